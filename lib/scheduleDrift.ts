import type { ScheduleDescription, ScheduleOptions } from '@temporalio/client';
import { TypedSearchAttributes, type SearchAttributePair } from '@temporalio/common';
import { msOptionalToNumber } from '@temporalio/common/lib/time.js';

/** The parts of a schedule the reconciler puts back to the row's; pause state is not one of them (it is adopted). */
export type SchedulePart = 'spec' | 'policies' | 'action';

/** A schedule reduced to plain, key-sorted JSON: two forms are equal exactly when their strings are. */
export interface ComparableSchedule {
  spec: string;
  policies: string;
  action: string;
}

/** Sorted keys, dates as ISO strings, no undefined or empty values: what Temporal leaves out and what we leave out read alike. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalized(value)) ?? 'null';
}

function normalized(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(normalized);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined && item !== null && !(Array.isArray(item) && item.length === 0))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, item]) => [key, normalized(item)]);
    return Object.fromEntries(entries);
  }
  return value;
}

function searchAttributesOf(attributes: TypedSearchAttributes | SearchAttributePair[] | undefined): { name: string; value: unknown }[] {
  const pairs = attributes instanceof TypedSearchAttributes ? attributes.getAll() : (attributes ?? []);
  return pairs.map((pair) => ({ name: pair.key.name, value: pair.value })).sort((a, b) => (a.name < b.name ? -1 : 1));
}

/**
 * The comparable form of a described schedule. Its spec must be compared with the described spec of the desired one
 * (Temporal stores a cron as calendars), so the caller passes that in as `spec`.
 */
export function comparableOfDescription(description: Pick<ScheduleDescription, 'spec' | 'policies' | 'action'>): ComparableSchedule {
  const { action, policies } = description;
  return {
    spec: canonicalJson(description.spec),
    policies: canonicalJson({ overlap: policies.overlap, catchupWindow: policies.catchupWindow, pauseOnFailure: policies.pauseOnFailure }),
    action: canonicalJson({
      workflowId: action.workflowId,
      workflowType: action.workflowType,
      taskQueue: action.taskQueue,
      args: action.args ?? [],
      memo: action.memo ?? {},
      searchAttributes: searchAttributesOf(action.typedSearchAttributes),
      workflowExecutionTimeout: msOptionalToNumber(action.workflowExecutionTimeout),
    }),
  };
}

/** The comparable form of the schedule a row asks for, given the described form of its spec (see comparableOfDescription). */
export function comparableOfOptions(options: ScheduleOptions, describedSpec: ScheduleDescription['spec']): ComparableSchedule {
  const { action, policies = {} } = options;
  return {
    spec: canonicalJson(describedSpec),
    policies: canonicalJson({ overlap: policies.overlap, catchupWindow: msOptionalToNumber(policies.catchupWindow), pauseOnFailure: policies.pauseOnFailure ?? false }),
    action: canonicalJson({
      workflowId: action.workflowId,
      workflowType: typeof action.workflowType === 'string' ? action.workflowType : action.workflowType.name,
      taskQueue: action.taskQueue,
      args: action.args ?? [],
      memo: action.memo ?? {},
      searchAttributes: searchAttributesOf(action.typedSearchAttributes),
      workflowExecutionTimeout: msOptionalToNumber(action.workflowExecutionTimeout),
    }),
  };
}

/** Which parts of the live schedule differ from the desired one. */
export function driftedParts(live: ComparableSchedule, desired: ComparableSchedule): SchedulePart[] {
  return (['spec', 'policies', 'action'] as const).filter((part) => live[part] !== desired[part]);
}

/** The pause state a row should adopt from its schedule, or undefined when they agree (the row's expected note counts). */
export function adoptedPauseOf(
  live: { paused: boolean; note?: string },
  row: { enabled: boolean },
  expectedNote: string | undefined,
): { enabled: boolean; pause_note: string | null; failures_reset_at?: Date } | undefined {
  if (live.paused === !row.enabled && (!live.paused || (live.note ?? undefined) === expectedNote)) return undefined;
  // An unpause made outside Keel is a resume too: pause_on_failure counts afresh from it.
  return live.paused ? { enabled: false, pause_note: live.note ?? null } : { enabled: true, pause_note: null, ...(row.enabled ? {} : { failures_reset_at: new Date() }) };
}
