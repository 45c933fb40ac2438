import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import { runSaga } from '../../workflows/saga.ts';
import type { JobInput } from '../../workflows/types.ts';

export interface RecorderTestActivities {
  doStep(step: string, fail: boolean): Promise<string>;
  undoStep(step: string, idempotencyKey: string): Promise<void>;
}

const { doStep, undoStep } = proxyActivities<RecorderTestActivities>({ startToCloseTimeout: '10 seconds', retry: { maximumAttempts: 1 } });

/** A job whose third step fails after two steps that compensate: its JobRun must list what was undone. */
export async function sagaJobWorkflow(job: JobInput<{ fail_at: number }>): Promise<string[]> {
  return runSaga(async (saga) => {
    const receipts = [];
    for (const n of [1, 2, 3]) {
      const step = `step-${n}`;
      receipts.push(await saga.step(step, () => doStep(step, n === job.task_params.fail_at), (_receipt, key) => undoStep(step, key)));
    }
    return receipts;
  });
}

/** A job that continues as new `remaining` times before it completes: one run, never FAILED on the way. */
export async function continuingJobWorkflow(job: JobInput<{ remaining: number }>): Promise<{ done: true }> {
  if (job.task_params.remaining > 0) await continueAsNew<typeof continuingJobWorkflow>({ ...job, task_params: { remaining: job.task_params.remaining - 1 } });
  return { done: true };
}
