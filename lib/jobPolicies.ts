import { ScheduleOverlapPolicy } from '@temporalio/client';
import type { OverlapPolicy } from '../db/entities/JobSchedule.ts';
import type { Config } from './config.ts';
import type { JobTypeDefinition } from './jobTypes.ts';

/** A job's own schedule policies, as stored and shown: durations in whole seconds, null for "no limit". */
export interface JobPolicies {
  overlap: OverlapPolicy;
  catchup_window: number;
  jitter: number;
  pause_on_failure: boolean;
  /** With pause_on_failure, how many failed runs in a row pause the job (Keel counts; Temporal would pause on the first). */
  pause_after_failures: number;
  start_at: Date | null;
  end_at: Date | null;
  remaining_actions: number | null;
  max_instances: number | null;
}

/** Temporal's catch-up window is at least 10 s (the server raises anything shorter), so Keel refuses less. */
export const MIN_CATCHUP_WINDOW_S = 10;
export const MAX_CATCHUP_WINDOW_S = 365 * 86_400;
/** Jitter beyond a day would move a fire past the next one of most crons. */
export const MAX_JITTER_S = 86_400;
export const MAX_INSTANCES = 1_000;
export const MAX_PAUSE_AFTER_FAILURES = 1_000;

const TEMPORAL_OVERLAP: Record<OverlapPolicy, ScheduleOverlapPolicy> = {
  skip: ScheduleOverlapPolicy.SKIP,
  buffer_one: ScheduleOverlapPolicy.BUFFER_ONE,
  buffer_all: ScheduleOverlapPolicy.BUFFER_ALL,
  cancel_other: ScheduleOverlapPolicy.CANCEL_OTHER,
  terminate_other: ScheduleOverlapPolicy.TERMINATE_OTHER,
  allow_all: ScheduleOverlapPolicy.ALLOW_ALL,
};

export function temporalOverlapOf(overlap: OverlapPolicy): ScheduleOverlapPolicy {
  return TEMPORAL_OVERLAP[overlap];
}

export function overlapNameOf(policy: ScheduleOverlapPolicy): OverlapPolicy {
  const name = (Object.keys(TEMPORAL_OVERLAP) as OverlapPolicy[]).find((key) => TEMPORAL_OVERLAP[key] === policy);
  if (!name) throw new Error(`unknown overlap policy ${policy}`);
  return name;
}

/**
 * The policies a new job gets for what its POST leaves out: `schedule.defaults`, then the seed's `scheduler` options
 * (coalesce true → buffer_one, false → buffer_all; max_instances; misfire_grace_time → catchup_window), then the job type's run options.
 */
export function defaultPoliciesFor(config: Config, definition: JobTypeDefinition): JobPolicies {
  const defaults = config.schedule.defaults;
  const seed = config.scheduler;
  const seedOverlap = seed?.coalesce === undefined ? undefined : seed.coalesce ? 'buffer_one' : 'buffer_all';
  return {
    overlap: defaults.overlap ?? seedOverlap ?? overlapNameOf(definition.run.overlap),
    catchup_window: defaults.catchup_window ?? seed?.misfire_grace_time ?? Math.round(definition.run.catchupWindowMs / 1000),
    jitter: defaults.jitter,
    pause_on_failure: defaults.pause_on_failure,
    pause_after_failures: defaults.pause_after_failures,
    start_at: null,
    end_at: null,
    remaining_actions: null,
    max_instances: defaults.max_instances ?? seed?.max_instances ?? null,
  };
}
