import { defineQuery, proxyActivities, setHandler } from '@temporalio/workflow';
import { compensationsOf, runSaga, type CompensationRecord } from '../../workflows/saga.ts';

// Test-only workflow code (bundled by the worker in test/integration/saga.test.ts): a saga of N numbered steps.

/** What the test's activities do: a step returns a receipt, which its compensation gets back. */
export interface SagaTestActivities {
  doStep(step: string, outcome: 'succeed' | 'fail' | 'hang'): Promise<string>;
  undoStep(step: string, receipt: string, idempotencyKey: string, fail: boolean): Promise<void>;
}

/** Which step (1-based) does what; every other step succeeds and registers a compensation. */
export interface SagaTestPlan {
  steps: number;
  fail_at?: number;
  hang_at?: number;
  failing_undo?: number;
  without_undo?: number;
}

/** What the workflow saw when its saga failed: answered by a query, since a cancelled workflow has no result. */
export interface SagaTestOutcome {
  compensations: CompensationRecord[] | null;
  original_error_rethrown: boolean;
}

export const sagaOutcomeQuery = defineQuery<SagaTestOutcome | null>('sagaOutcome');

const { doStep, undoStep } = proxyActivities<SagaTestActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '2 seconds',
  retry: { maximumAttempts: 1 },
});

export async function sagaTestWorkflow(plan: SagaTestPlan): Promise<string[]> {
  let outcome: SagaTestOutcome | null = null;
  setHandler(sagaOutcomeQuery, () => outcome);
  // What the body threw, to check that runSaga rethrows that very object.
  let thrown: unknown;
  try {
    return await runSaga(async (saga) => {
      const receipts: string[] = [];
      for (let n = 1; n <= plan.steps; n++) {
        const step = `step-${n}`;
        const behaviour = n === plan.fail_at ? 'fail' : n === plan.hang_at ? 'hang' : 'succeed';
        const undo = n === plan.without_undo ? undefined : (receipt: string, key: string) => undoStep(step, receipt, key, n === plan.failing_undo);
        receipts.push(
          await saga.step(step, () => doStep(step, behaviour), undo).catch((error: unknown) => {
            thrown = error;
            throw error;
          }),
        );
      }
      return receipts;
    });
  } catch (error) {
    outcome = { compensations: compensationsOf(error) ?? null, original_error_rethrown: error === thrown };
    throw error;
  }
}

/** Two sagas, one inside the other, failing together: the error carries both sets of compensations, inner first. */
export async function nestedSagaTestWorkflow(): Promise<void> {
  let outcome: SagaTestOutcome | null = null;
  setHandler(sagaOutcomeQuery, () => outcome);
  let thrown: unknown;
  try {
    await runSaga(async (outer) => {
      const receipt = await outer.step('outer', () => doStep('outer', 'succeed'), (r, key) => undoStep('outer', r, key, false));
      await runSaga(async (inner) => {
        await inner.step('inner', () => doStep('inner', 'succeed'), (r, key) => undoStep('inner', r, key, false));
        await inner.step('boom', () => doStep('boom', 'fail')).catch((error: unknown) => {
          thrown = error;
          throw error;
        });
      });
      return receipt;
    });
  } catch (error) {
    outcome = { compensations: compensationsOf(error) ?? null, original_error_rethrown: error === thrown };
    throw error;
  }
}
