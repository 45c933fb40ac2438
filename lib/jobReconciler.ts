import { JobSchedule } from '../db/entities/index.ts';
import { inTransaction, type Orm } from '../db/orm.ts';
import { findUnsettledJobSchedules } from '../db/repositories/jobSchedules.ts';
import { scheduleIdFor } from '../workflows/names.ts';
import type { Logger } from './logger.ts';
import { ScheduleReconciler, type ScheduleReconcilerDeps, type ScheduleReconciliation } from './scheduleReconciler.ts';
import { deleteScheduleIfExists, withTemporalDeadline, type TemporalClient } from './temporal.ts';

/** A create or delete in progress takes seconds (Temporal calls have a deadline); older pending/deleting rows were left by a crash or an outage. */
export const UNSETTLED_AFTER_MS = 60_000;
export const EVERY_MS = 60_000;

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

export interface JobReconciliation {
  /** One pass now, after any pass in progress (passes never overlap); it answers what the schedule part changed. */
  reconcileNow(): Promise<ScheduleReconciliation>;
  /** Stops the timer and waits for a pass in progress to end. */
  stop(): Promise<void>;
}

export type JobReconciliationDeps = JobReconcilerDeps & Omit<ScheduleReconcilerDeps, keyof JobReconcilerDeps>;

/**
 * Job-level reconciliation, one pass at a time: jobs left half-way are settled, then Temporal's schedules are made to
 * match the rows (lib/scheduleReconciler.ts). It runs now, every `everyMs` and on demand; a failed periodic pass
 * (Temporal or the database down) is logged, never fatal.
 */
export function startJobReconciler(deps: JobReconciliationDeps, everyMs = EVERY_MS): JobReconciliation {
  const logger = deps.logger.child({ component: 'job-reconciler' });
  const schedules = new ScheduleReconciler({ ...deps, logger });
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function pass(): Promise<ScheduleReconciliation> {
    await reconcilePendingJobs({ ...deps, logger });
    return schedules.reconcile();
  }

  // Each pass waits for the one before, so a periodic pass and POST /jobs/reconcile never run side by side.
  function queued(): Promise<ScheduleReconciliation> {
    const next = chain.then(pass);
    chain = next.catch(() => undefined);
    return next;
  }

  function tick(): void {
    void queued()
      .catch((error: unknown) => logger.warn({ err: error }, 'job reconciliation failed; retrying next interval'))
      .finally(() => {
        if (!stopped) {
          timer = setTimeout(tick, everyMs);
          timer.unref();
        }
      });
  }

  tick();
  return {
    reconcileNow: queued,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await chain;
    },
  };
}
