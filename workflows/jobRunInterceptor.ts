import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ContinueAsNew,
  isCancellation,
  log,
  proxyLocalActivities,
  sleep,
  workflowInfo,
  type ActivityInput,
  type LocalActivityInput,
  type Next,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { defaultPayloadConverter } from '@temporalio/common';
import type { JobRunActivities, RunError } from '../activities/jobRuns.ts';
import { MAX_INSTANCES_ERROR, PAUSED_BEFORE_FIRE_ERROR, RUN_ID_HEADER, SCHEDULED_START_TIME_KEY } from './names.ts';
import { fireTimeOf } from './fireTime.ts';
import { describeRunFailure } from './runFailure.ts';
import { compensationsOf } from './saga.ts';
import type { JobInput, JobMemo } from './types.ts';

// Bounded: with the database down the job goes on, and the run reconciler records its outcome afterwards.
// Seven attempts over about 16 s; the attempt count bounds it (a local activity's schedule-to-close did not, on 1.24).
const { recordRunStarted, recordRunFinished } = proxyLocalActivities<JobRunActivities>({
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds', maximumAttempts: 7 },
});

/** What the recorder learned about this run, shared with the outbound interceptor of the same workflow. */
interface RunContext {
  runId?: number;
}

/** Records a JobRun for every job workflow (RUNNING, then COMPLETED, FAILED or CANCELLED): one mechanism for all job types. */
class JobRunRecorder implements WorkflowInboundCallsInterceptor {
  readonly run: RunContext;

  constructor(run: RunContext) {
    this.run = run;
  }

  async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const info = workflowInfo();
    const memo = info.memo as Partial<JobMemo> | undefined;
    if (typeof memo?.job_id !== 'number') return next(input);

    const job = input.args[0] as JobInput;
    const scheduledStart = info.typedSearchAttributes.get(SCHEDULED_START_TIME_KEY);
    const fireTime = scheduledStart ? fireTimeOf(scheduledStart, memo.start_ahead_ms) : info.startTime;
    // Started ahead of its fire time (the schedule's start_ahead_ms): the work waits for the time the cron says.
    if (fireTime.getTime() > Date.now()) await sleep(fireTime.getTime() - Date.now());
    const started = await bestEffort('recordRunStarted', () =>
      recordRunStarted({
        workflow_id: info.workflowId,
        temporal_run_id: info.runId,
        job_id: memo.job_id!,
        job_type: job.job_type,
        user_id: job.user_id,
        job_snapshot: job,
        scheduled_for: fireTime.toISOString(),
        enqueued_at: info.startTime.toISOString(),
        started_at: new Date().toISOString(),
      }),
    );
    // Over max_instances, or paused while it waited for its fire: the work is not done, and the run is already recorded as refused.
    if (started instanceof RunRefusal) return { skipped: started.type === MAX_INSTANCES_ERROR ? 'max_instances' : 'paused', reason: started.reason };
    this.run.runId = started;
    let result: unknown;
    try {
      result = await next(input);
    } catch (error) {
      // The run goes on in the next execution of the chain, which records it again under the same workflow ID.
      if (error instanceof ContinueAsNew) throw error;
      // The record must land even when the run itself is being cancelled.
      await CancellationScope.nonCancellable(() =>
        bestEffort('recordRunFinished', () =>
          recordRunFinished({ workflow_id: info.workflowId, status: isCancellation(error) ? 'CANCELLED' : 'FAILED', error: describeFailure(error), finished_at: new Date().toISOString() }),
        ),
      );
      throw error;
    }
    await bestEffort('recordRunFinished', () => recordRunFinished({ workflow_id: info.workflowId, status: 'COMPLETED', result, finished_at: new Date().toISOString() }));
    return result;
  }
}

/** Sends the JobRun's id along with every activity, for its log lines. */
class RunIdHeader implements WorkflowOutboundCallsInterceptor {
  readonly run: RunContext;

  constructor(run: RunContext) {
    this.run = run;
  }

  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>) {
    return next(this.#withRunId(input));
  }

  scheduleLocalActivity(input: LocalActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>) {
    return next(this.#withRunId(input));
  }

  #withRunId<T extends ActivityInput | LocalActivityInput>(input: T): T {
    if (this.run.runId === undefined) return input;
    return { ...input, headers: { ...input.headers, [RUN_ID_HEADER]: defaultPayloadConverter.toPayload(this.run.runId) } };
  }
}

/** The recorder refused the run: its job had max_instances runs going, or was paused while the run waited for its fire. */
class RunRefusal {
  readonly type: string;
  readonly reason: string;

  constructor(type: string, reason: string) {
    this.type = type;
    this.reason = reason;
  }
}

/** A recording that could not be made is logged, not fatal: the reconciler closes the run from Temporal's record. */
async function bestEffort<T>(what: string, record: () => Promise<T>): Promise<T | RunRefusal | undefined> {
  try {
    return await record();
  } catch (error) {
    // A local activity's failure reaches the workflow as the ApplicationFailure itself, a remote one's as its cause.
    const failure = error instanceof ActivityFailure ? error.cause : error;
    if (failure instanceof ApplicationFailure && (failure.type === MAX_INSTANCES_ERROR || failure.type === PAUSED_BEFORE_FIRE_ERROR)) return new RunRefusal(failure.type, failure.message);
    log.warn(`${what} did not land; the run reconciler will record it`, { error: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}

/** What went wrong, and what a saga undid before the run failed. */
function describeFailure(error: unknown): RunError {
  const compensations = compensationsOf(error);
  return { ...describeRunFailure(error), ...(compensations ? { compensations } : {}) };
}

export const interceptors: WorkflowInterceptorsFactory = () => {
  const run: RunContext = {};
  return { inbound: [new JobRunRecorder(run)], outbound: [new RunIdHeader(run)] };
};
