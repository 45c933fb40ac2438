import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyLocalActivities,
  workflowInfo,
  type Next,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import type { createJobRunActivities } from '../activities/jobRuns.ts';
import { SCHEDULED_START_TIME_KEY } from './names.ts';
import type { JobInput, JobMemo } from './types.ts';

const { recordRunStarted, recordRunFinished } = proxyLocalActivities<ReturnType<typeof createJobRunActivities>>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

/** Records a JobRun for every job workflow (RUNNING, then COMPLETED, FAILED or CANCELLED): one mechanism for all job types. */
class JobRunRecorder implements WorkflowInboundCallsInterceptor {
  async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const info = workflowInfo();
    const memo = info.memo as Partial<JobMemo> | undefined;
    if (typeof memo?.job_id !== 'number') return next(input);

    const job = input.args[0] as JobInput;
    await recordRunStarted({
      workflow_id: info.workflowId,
      temporal_run_id: info.runId,
      job_id: memo.job_id,
      job_type: job.job_type,
      user_id: job.user_id,
      job_snapshot: job,
      scheduled_for: (info.typedSearchAttributes.get(SCHEDULED_START_TIME_KEY) ?? info.startTime).toISOString(),
      enqueued_at: info.startTime.toISOString(),
      started_at: new Date().toISOString(),
    });
    try {
      const result = await next(input);
      await recordRunFinished({ workflow_id: info.workflowId, status: 'COMPLETED', result, finished_at: new Date().toISOString() });
      return result;
    } catch (error) {
      // The record must land even when the run itself is being cancelled.
      await CancellationScope.nonCancellable(() =>
        recordRunFinished({
          workflow_id: info.workflowId,
          status: isCancellation(error) ? 'CANCELLED' : 'FAILED',
          error: describeFailure(error),
          finished_at: new Date().toISOString(),
        }),
      );
      throw error;
    }
  }
}

/** The first application failure in the chain names what went wrong (an activity failure wraps it). */
function describeFailure(error: unknown): { type: string; message: string; non_retryable: boolean } {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof ApplicationFailure) {
      return { type: cause.type ?? 'ApplicationFailure', message: cause.message, non_retryable: Boolean(cause.nonRetryable) };
    }
  }
  const err = error instanceof Error ? error : new Error(String(error));
  return { type: err.name, message: err.message, non_retryable: false };
}

export const interceptors: WorkflowInterceptorsFactory = () => ({ inbound: [new JobRunRecorder()] });
