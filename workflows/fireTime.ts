import type { TypedSearchAttributes } from '@temporalio/common';
import { SCHEDULED_START_TIME_KEY } from './names.ts';

/**
 * The fire time a scheduled run is for. A schedule that starts ahead (memo `start_ahead_ms`) starts each run that long
 * before a whole-minute fire time; a start at any other moment (`temporal schedule trigger`, a jittered fire) is for itself.
 */
export function fireTimeOf(scheduledStart: Date, startAheadMs: number | undefined): Date {
  if (!startAheadMs) return scheduledStart;
  // A fixed instant derived from the schedule's own time, not a clock read: deterministic on replay.
  // eslint-disable-next-line no-restricted-syntax
  const fire = new Date(scheduledStart.getTime() + startAheadMs);
  return fire.getTime() % 60_000 === 0 ? fire : scheduledStart;
}

/** The fire time of a job workflow, read from outside it (visibility, describe): what the run's `scheduled_for` holds. */
export function fireTimeOfExecution(execution: { typedSearchAttributes: TypedSearchAttributes; memo?: Record<string, unknown>; startTime: Date }): Date {
  const scheduledStart = execution.typedSearchAttributes.get(SCHEDULED_START_TIME_KEY);
  if (!scheduledStart) return execution.startTime;
  const lead = execution.memo?.start_ahead_ms;
  return fireTimeOf(scheduledStart, typeof lead === 'number' ? lead : undefined);
}
