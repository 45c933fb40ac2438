import { JobSchedule } from '../db/entities/index.ts';
import { inTransaction, type Orm } from '../db/orm.ts';
import { findUnsettledJobSchedules } from '../db/repositories/jobSchedules.ts';
import { scheduleIdFor } from '../workflows/names.ts';
import type { Logger } from './logger.ts';
import { runPeriodically, type PeriodicTask } from './periodic.ts';
import { deleteScheduleIfExists, withTemporalDeadline, type TemporalClient } from './temporal.ts';

/** A create or delete in progress takes seconds (Temporal calls have a deadline); older pending/deleting rows were left by a crash or an outage. */
export const UNSETTLED_AFTER_MS = 60_000;
const EVERY_MS = 60_000;

export interface JobReconcilerDeps {
  orm: Orm;
  temporal: TemporalClient;
  logger: Logger;
}

/**
 * Settles the jobs that JobScheduler left half-way: a pending job (its POST never answered 201) and a deleting
 * job (its DELETE was asked for) both lose their schedule, then their row. Returns the ids removed; a job whose
 * clean-up fails now is tried again next time.
 */
export async function reconcilePendingJobs({ orm, temporal, logger }: JobReconcilerDeps, olderThanMs = UNSETTLED_AFTER_MS): Promise<number[]> {
  const unsettled = await inTransaction(orm, (em) => findUnsettledJobSchedules(em, new Date(Date.now() - olderThanMs)));
  const removed: number[] = [];
  for (const job of unsettled) {
    try {
      await withTemporalDeadline(temporal, () => deleteScheduleIfExists(temporal, scheduleIdFor(job.id)));
      // Only if nothing moved it on meanwhile (a slow create marking it active).
      const deleted = await inTransaction(orm, (em) => em.nativeDelete(JobSchedule, { id: job.id, state: job.state }));
      if (deleted > 0) removed.push(job.id);
    } catch (error) {
      logger.warn({ err: error, job_id: job.id, state: job.state }, 'could not settle a half-created or half-deleted job; will try again');
    }
  }
  if (removed.length) logger.info({ job_ids: removed }, 'removed jobs left half-created or half-deleted');
  return removed;
}

/** Runs reconcilePendingJobs now and every minute until stopped; a failed round is logged, never fatal. */
export function startJobReconciler(deps: JobReconcilerDeps, everyMs = EVERY_MS): PeriodicTask {
  return runPeriodically(async () => {
    await reconcilePendingJobs(deps).catch((error: unknown) => deps.logger.warn({ err: error }, 'job reconciliation round failed'));
  }, everyMs);
}
