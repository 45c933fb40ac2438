import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { inTransaction, type Orm } from '../db/orm.ts';
import type { RunError } from '../db/entities/index.ts';
import { claimRunStart, markRunFinished, type RunEnd } from '../db/repositories/jobRuns.ts';
import { recordRunFailure, withEventId, type ErrorEventRecorder } from '../lib/errorEvents.ts';

export type { RunError };

export interface JobRunDeps {
  orm: Orm;
  /** Names the worker process in every run it records. */
  workerId: string;
  /** Called after a run is recorded FAILED or TIMED_OUT: pause_on_failure counts the streak (lib/failureStreak.ts). */
  afterRunFailed?: (jobId: number) => Promise<unknown>;
  errorEvents: ErrorEventRecorder;
}

export interface RunStartedInput {
  workflow_id: string;
  temporal_run_id: string;
  job_id: number;
  job_type: string;
  user_id: number;
  job_snapshot: object;
  scheduled_for: string;
  enqueued_at: string;
  started_at: string;
}

export interface RunFinishedInput {
  workflow_id: string;
  status: RunEnd['status'];
  result?: unknown;
  error?: RunError;
  finished_at: string;
}

/** The JobRun recorder's side effects, keyed by workflow ID so a retried call changes nothing. */
export function createJobRunActivities({ orm, workerId, errorEvents, afterRunFailed }: JobRunDeps) {
  return {
    /** The run's id; a refused run (max_instances, or paused before its fire) is recorded so and fails this call with the refusal's type. */
    async recordRunStarted(input: RunStartedInput): Promise<number> {
      const { run, refused } = await inTransaction(orm, (em) =>
        claimRunStart(em, {
          ...input,
          job_snapshot: input.job_snapshot as Record<string, unknown>,
          scheduled_for: new Date(input.scheduled_for),
          enqueued_at: new Date(input.enqueued_at),
          started_at: new Date(input.started_at),
          worker_id: workerId,
        }),
      );
      // Thrown after the commit: the refused run stays recorded.
      if (refused) throw ApplicationFailure.nonRetryable(refused.message, refused.type);
      log.debug('run started', { run_id: run.run_id });
      return run.run_id;
    },

    async recordRunFinished(input: RunFinishedInput): Promise<void> {
      // The run links to its ErrorEvent; the event is queued only once the run is written, so a retry records one.
      const error = withEventId(input.status, input.error);
      const run = await inTransaction(orm, (em) =>
        markRunFinished(em, {
          workflow_id: input.workflow_id,
          status: input.status,
          result: (input.result ?? null) as Record<string, unknown> | null,
          error,
          finished_at: new Date(input.finished_at),
        }),
      );
      if (run) recordRunFailure(errorEvents, run, input.status, error);
      log.info('run finished', { status: input.status, error_type: input.error?.type, error_event_id: error?.event_id });
      if (run && afterRunFailed && (input.status === 'FAILED' || input.status === 'TIMED_OUT')) {
        // The run is recorded either way; a pause that fails now is tried again at the job's next failure.
        await afterRunFailed(run.job_id).catch((error: unknown) => {
          log.warn('could not check the failure streak', { job_id: run.job_id, error: String(error) });
        });
      }
    },
  };
}

export type JobRunActivities = ReturnType<typeof createJobRunActivities>;
