import { z } from 'zod';
import { OVERLAP_POLICIES } from '../db/entities/JobSchedule.ts';
import { ValidationError } from '../lib/errors.ts';
import { MAX_CATCHUP_WINDOW_S, MAX_INSTANCES, MAX_JITTER_S, MAX_PAUSE_AFTER_FAILURES, MIN_CATCHUP_WINDOW_S } from '../lib/jobPolicies.ts';
import { INT32_MAX } from './validation.ts';

/** An RFC 3339 time with its offset (`2026-12-01T09:00:00Z`), read as a Date: a bare local time would mean a different instant per server. */
export const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

export const overlapPolicy = z.enum(OVERLAP_POLICIES);

/** The policy fields of a job, top level in POST and PATCH /jobs; durations are whole seconds. */
export const jobPolicyFields = {
  overlap: overlapPolicy,
  catchup_window: z.number().int().min(MIN_CATCHUP_WINDOW_S).max(MAX_CATCHUP_WINDOW_S),
  jitter: z.number().int().min(0).max(MAX_JITTER_S),
  pause_on_failure: z.boolean(),
  pause_after_failures: z.number().int().min(1).max(MAX_PAUSE_AFTER_FAILURES),
  start_at: instant.nullable(),
  end_at: instant.nullable(),
  remaining_actions: z.number().int().min(1).max(INT32_MAX).nullable(),
  max_instances: z.number().int().min(1).max(MAX_INSTANCES).nullable(),
};

/** A job whose end_at is not after its start_at would never fire: 422 on end_at. */
export function assertEndAfterStart(window: { start_at?: Date | null; end_at?: Date | null }): void {
  if (window.start_at && window.end_at && window.end_at <= window.start_at) {
    throw new ValidationError([{ path: 'end_at', message: 'must be after start_at' }]);
  }
}
