import { JobRun } from '../db/entities/index.ts';
import { inTransaction, type Orm } from '../db/orm.ts';
import { findJobSchedule } from '../db/repositories/jobSchedules.ts';
import { JobScheduler } from './jobScheduler.ts';
import type { Logger } from './logger.ts';
import type { TemporalClient } from './temporal.ts';

export interface FailureStreakDeps {
  orm: Orm;
  temporal: TemporalClient;
  logger: Logger;
}

/** Ends that count toward a streak: a cancelled run says nothing about the job's health, so it neither counts nor breaks one. */
const COUNTED_ENDS = ['COMPLETED', 'FAILED', 'TIMED_OUT'] as const;
const FAILING_ENDS: readonly string[] = ['FAILED', 'TIMED_OUT'];
/** pause_note is 500 characters; the error message is what gets cut. */
const NOTE_LIMIT = 500;

/**
 * Pauses a job with pause_on_failure once its last `pause_after_failures` scheduled runs (since it was last resumed)
 * all failed or timed out; Temporal's own pause_on_failure pauses on the first. Safe to call repeatedly.
 * Returns the pause note when it paused the job.
 */
export async function pauseOnFailureStreak(deps: FailureStreakDeps, jobId: number): Promise<string | null> {
  const streak = await inTransaction(deps.orm, async (em) => {
    const job = await findJobSchedule(em, jobId);
    if (!job || !job.pause_on_failure || !job.enabled || job.state !== 'active') return null;
    const runs = await em.find(
      JobRun,
      {
        job_id: jobId,
        status: { $in: [...COUNTED_ENDS] },
        // Manual triggers are a person trying things out; only the schedule's own fires make a streak.
        $not: { workflow_id: { $like: `job-${jobId}-manual-%` } },
        ...(job.failures_reset_at ? { finished_at: { $gt: job.failures_reset_at } } : {}),
      },
      { orderBy: { finished_at: 'desc', run_id: 'desc' }, limit: job.pause_after_failures },
    );
    if (runs.length < job.pause_after_failures || runs.some((run) => !FAILING_ENDS.includes(run.status))) return null;
    return { threshold: job.pause_after_failures, last: runs[0]! };
  });
  if (!streak) return null;
  const { last, threshold } = streak;
  const cause = last.error ? `${last.error.type}: ${last.error.message}` : last.status;
  const note = `paused by Keel after ${threshold} consecutive failed runs; the last, ${last.workflow_id}, ended ${last.status} at ${last.finished_at?.toISOString()} (${cause})`.slice(0, NOTE_LIMIT);
  await new JobScheduler(deps).pause(jobId, note);
  deps.logger.warn({ job_id: jobId, workflow_id: last.workflow_id, failures: threshold }, 'job paused after consecutive failures');
  return note;
}
