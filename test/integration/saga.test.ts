import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { activityInfo, heartbeat, sleep } from '@temporalio/activity';
import { type Client, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../lib/config.ts';
import { createLogger } from '../../lib/logger.ts';
import { installTemporalRuntime } from '../../lib/temporalRuntime.ts';
import { eventually } from '../helpers/platform.ts';
import { startTestWorker, type TestWorker } from '../helpers/testWorker.ts';
import { nestedSagaTestWorkflow, sagaOutcomeQuery, sagaTestWorkflow, type SagaTestActivities, type SagaTestPlan } from '../workflows/sagaWorkflows.ts';

// Its own queue: no Keel worker in this namespace may pick these workflows up.
const TASK_QUEUE = 'saga-test';
const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/sagaWorkflows.ts', import.meta.url));

const workflowIdOfActivity = () => activityInfo().workflowExecution?.workflowId ?? 'standalone';

interface Call {
  workflow_id: string;
  action: 'do' | 'undo';
  step: string;
  receipt?: string;
  idempotency_key?: string;
}

describe('runSaga in a workflow on the real Temporal dev server', () => {
  const calls: Call[] = [];
  const activities: SagaTestActivities = {
    async doStep(step, behaviour) {
      calls.push({ workflow_id: workflowIdOfActivity(), action: 'do', step });
      if (behaviour === 'fail') throw ApplicationFailure.nonRetryable(`${step} failed`, 'StepFailed');
      // The activity's sleep rejects once a heartbeat learns that the workflow cancelled it.
      for (; behaviour === 'hang'; ) {
        heartbeat();
        await sleep(200);
      }
      return `receipt-${step}`;
    },
    async undoStep(step, receipt, idempotencyKey, fail) {
      calls.push({ workflow_id: workflowIdOfActivity(), action: 'undo', step, receipt, idempotency_key: idempotencyKey });
      if (fail) throw ApplicationFailure.nonRetryable(`cannot undo ${step}`, 'UndoFailed');
      return Promise.resolve();
    },
  };

  let testWorker: TestWorker;
  let client: Client;

  beforeAll(async () => {
    // The suite's log level, as the platform's tests have it: the failures these workflows expect stay quiet.
    installTemporalRuntime(createLogger({ app_env: 'test', log: { level: (process.env.TEST_LOG_LEVEL ?? 'error') as Config['log']['level'] } }));
    testWorker = await startTestWorker({ taskQueue: TASK_QUEUE, workflowsPath: WORKFLOWS_PATH, activities });
    client = testWorker.client;
  });
  afterAll(() => testWorker?.close());

  const start = (plan: SagaTestPlan) =>
    client.workflow.start(sagaTestWorkflow, { taskQueue: TASK_QUEUE, workflowId: `saga-${randomUUID()}`, args: [plan] });
  const callsOf = (handle: WorkflowHandle) => calls.filter((call) => call.workflow_id === handle.workflowId).map(({ workflow_id: _, ...call }) => call);
  const done = (step: string) => ({ action: 'do', step });
  const undone = (handle: WorkflowHandle, step: string) => ({ action: 'undo', step, receipt: `receipt-${step}`, idempotency_key: `${handle.workflowId}/${step}/compensate` });
  /** The steps before step k, newest first. */
  const stepsBefore = (k: number) => Array.from({ length: k - 1 }, (_, index) => `step-${k - 1 - index}`);
  const failureOf = async (handle: WorkflowHandle) => {
    const error: unknown = await handle.result().then(() => undefined, (failure: unknown) => failure);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    return (error as WorkflowFailedError).cause;
  };

  it('runs every step and compensates nothing when all succeed', async () => {
    const handle = await start({ steps: 3 });
    expect(await handle.result()).toEqual(['receipt-step-1', 'receipt-step-2', 'receipt-step-3']);
    expect(callsOf(handle)).toEqual([done('step-1'), done('step-2'), done('step-3')]);
  });

  it.each([1, 2, 3, 4])('step %i of 4 failing: compensates the steps before it once each, newest first, and fails with the original error', async (k) => {
    const handle = await start({ steps: 4, fail_at: k });

    const cause = await failureOf(handle);
    expect(cause).toBeInstanceOf(ActivityFailure);
    expect(cause?.cause).toBeInstanceOf(ApplicationFailure);
    expect(cause?.cause).toMatchObject({ type: 'StepFailed', message: `step-${k} failed`, nonRetryable: true });
    expect((await handle.describe()).status.name).toBe('FAILED');

    const before = stepsBefore(k);
    expect(callsOf(handle)).toEqual([...before.toReversed().map(done), done(`step-${k}`), ...before.map((step) => undone(handle, step))]);
    expect(await handle.query(sagaOutcomeQuery)).toEqual({
      compensations: before.map((step) => ({ step, status: 'compensated' })),
      original_error_rethrown: true,
    });
  });

  it.each([1, 2, 3, 4])('cancelled while step %i of 4 is in flight: still compensates the steps before it, in the non-cancellable scope', async (k) => {
    const handle = await start({ steps: 4, hang_at: k });
    await eventually(() => Promise.resolve(callsOf(handle).some((call) => call.step === `step-${k}`) ? true : undefined));
    await handle.cancel();

    expect(await failureOf(handle)).toBeInstanceOf(CancelledFailure);
    expect((await handle.describe()).status.name).toBe('CANCELLED');

    const before = stepsBefore(k);
    expect(callsOf(handle)).toEqual([...before.toReversed().map(done), done(`step-${k}`), ...before.map((step) => undone(handle, step))]);
    expect(await handle.query(sagaOutcomeQuery)).toEqual({
      compensations: before.map((step) => ({ step, status: 'compensated' })),
      original_error_rethrown: true,
    });
  });

  it('records a compensation that fails and still runs the older ones', async () => {
    const handle = await start({ steps: 4, fail_at: 4, failing_undo: 2 });

    expect((await failureOf(handle))?.cause).toMatchObject({ type: 'StepFailed', message: 'step-4 failed' });
    expect(callsOf(handle).filter((call) => call.action === 'undo')).toEqual(['step-3', 'step-2', 'step-1'].map((step) => undone(handle, step)));
    expect((await handle.query(sagaOutcomeQuery))?.compensations).toEqual([
      { step: 'step-3', status: 'compensated' },
      { step: 'step-2', status: 'failed', error: 'Activity task failed: cannot undo step-2' },
      { step: 'step-1', status: 'compensated' },
    ]);
  });

  it('skips a step that registered no compensation', async () => {
    const handle = await start({ steps: 4, fail_at: 4, without_undo: 2 });

    await failureOf(handle);
    expect(callsOf(handle).filter((call) => call.action === 'undo')).toEqual([undone(handle, 'step-3'), undone(handle, 'step-1')]);
    expect((await handle.query(sagaOutcomeQuery))?.compensations).toEqual([
      { step: 'step-3', status: 'compensated' },
      { step: 'step-1', status: 'compensated' },
    ]);
  });

  it('gives the error of nested sagas both sets of compensations, inner first', async () => {
    const handle = await client.workflow.start(nestedSagaTestWorkflow, { taskQueue: TASK_QUEUE, workflowId: `saga-nested-${randomUUID()}` });

    expect((await failureOf(handle))?.cause).toMatchObject({ type: 'StepFailed', message: 'boom failed' });
    expect(callsOf(handle).filter((call) => call.action === 'undo')).toEqual([undone(handle, 'inner'), undone(handle, 'outer')]);
    expect(await handle.query(sagaOutcomeQuery)).toEqual({
      compensations: [
        { step: 'inner', status: 'compensated' },
        { step: 'outer', status: 'compensated' },
      ],
      original_error_rethrown: true,
    });
  });
});
