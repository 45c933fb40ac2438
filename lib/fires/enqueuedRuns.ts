import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { inTransaction, type Orm } from '../../db/orm.ts';
import { enqueueRun, workflowIdsWithRuns } from '../../db/repositories/jobRuns.ts';
import { findJobSchedule } from '../../db/repositories/jobSchedules.ts';
import { fireTimeOfExecution } from '../../workflows/fireTime.ts';
import { jobIdFromWorkflowId } from '../../workflows/names.ts';
import type { Logger } from '../logger.ts';
import { jobInputOf } from '../scheduleOptions.ts';
import type { TemporalClient } from '../temporal.ts';

export interface EnqueuedRunsDeps {
  orm: Orm;
  temporal: TemporalClient;
  logger: Logger;
}

/** Open job workflows started after `startedAfter` (all of them without it), as the dev server's visibility accepts it. */
export function openJobWorkflowsQuery(startedAfter?: Date): string {
  return `JobId > 0 AND ExecutionStatus = "Running"${startedAfter ? ` AND StartTime > "${startedAfter.toISOString()}"` : ''}`;
}

/**
 * Writes an ENQUEUED JobRun for every open job workflow that has none yet: a run the schedule started is visible at once,
 * worker or not; the worker's recorder moves it to RUNNING. The unique workflow_id keeps one row whoever writes first.
 * Returns how many runs it wrote.
 */
export async function recordEnqueuedRuns(deps: EnqueuedRunsDeps, startedAfter?: Date): Promise<number> {
  const open: WorkflowExecutionInfo[] = [];
  for await (const execution of deps.temporal.client.workflow.list({ query: openJobWorkflowsQuery(startedAfter) })) open.push(execution);
  if (open.length === 0) return 0;
  const recorded = await inTransaction(deps.orm, (em) => workflowIdsWithRuns(em, open.map((execution) => execution.workflowId)));
  let written = 0;
  for (const execution of open) {
    if (recorded.has(execution.workflowId)) continue;
    recorded.add(execution.workflowId);
    if (await enqueue(deps, execution)) written += 1;
  }
  return written;
}

async function enqueue(deps: EnqueuedRunsDeps, execution: WorkflowExecutionInfo): Promise<boolean> {
  const jobId = jobIdFromWorkflowId(execution.workflowId);
  if (jobId === undefined) return false;
  try {
    const run = await inTransaction(deps.orm, async (em) => {
      // The schedule's action carries the job as its row is: the run's snapshot is that row.
      const job = await findJobSchedule(em, jobId);
      // A workflow older than the row is another job's that had this id (another database on the same namespace).
      if (!job || execution.startTime < job.created_at) return undefined;
      const added = enqueueRun(em, {
        workflow_id: execution.workflowId,
        job_id: jobId,
        job_type: job.job_type,
        user_id: job.user_id,
        job_snapshot: { ...jobInputOf(job) },
        scheduled_for: fireTimeOfExecution(execution),
        enqueued_at: execution.startTime,
      });
      await em.flush();
      return added;
    });
    if (!run) return false;
    deps.logger.info({ workflow_id: execution.workflowId, run_id: run.run_id, job_id: jobId }, 'run enqueued from Temporal');
    return true;
  } catch (error) {
    // The recorder (or another API process) wrote it first: that row stands.
    if (error instanceof UniqueConstraintViolationException) return false;
    throw error;
  }
}
