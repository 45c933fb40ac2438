import { CancellationScope, ContinueAsNew, workflowInfo } from '@temporalio/workflow';
import { CompensationStack, compensationKey, type CompensationRecord } from './compensationStack.ts';

export type { CompensationRecord } from './compensationStack.ts';

/**
 * Steps that undo themselves: each step registers its compensation once it has succeeded, and `compensate`
 * runs them newest first. Steps run in parallel must all settle before the saga compensates: a step that
 * succeeds afterwards has its compensation registered too late to run.
 */
export class Saga {
  readonly #stack = new CompensationStack();

  /** Runs `action`; once it succeeds and `compensate` is given, registers the compensation (called with the action's result and an idempotency key `${workflowId}/${step}/compensate`). */
  async step<T>(step: string, action: () => Promise<T>, compensate?: (result: T, idempotencyKey: string) => Promise<unknown>): Promise<T> {
    this.#stack.claim(step);
    const result = await action();
    if (compensate) {
      const key = compensationKey(workflowInfo().workflowId, step);
      this.#stack.push(step, () => compensate(result, key));
    }
    return result;
  }

  /** Runs the registered compensations newest first inside CancellationScope.nonCancellable; a compensation that fails is recorded (status 'failed') and the rest still run; returns what ran. */
  compensate(): Promise<CompensationRecord[]> {
    // A cancelled workflow must still undo what it did: cancellation is often why we are here.
    return CancellationScope.nonCancellable(() => this.#stack.unwind());
  }
}

// Keyed by the error object, so records never outlive it nor reach another workflow's errors.
const compensationsByError = new WeakMap<object, CompensationRecord[]>();

/** Runs body with a fresh Saga; on any error (including cancellation) compensates, remembers the records for that error, and rethrows the ORIGINAL error object. */
export async function runSaga<T>(body: (saga: Saga) => Promise<T>): Promise<T> {
  const saga = new Saga();
  try {
    return await body(saga);
  } catch (error) {
    // Continuing as new is not a failure: the work done so far stands, and the next run carries on from it.
    if (error instanceof ContinueAsNew) throw error;
    const records = await saga.compensate();
    // A nested saga rethrowing the same error has already recorded its own (earlier) compensations.
    if (typeof error === 'object' && error !== null) withCompensations(error, records);
    throw error;
  }
}

/** Adds compensations that ran elsewhere (a child workflow's saga) to what this error reports; returns the error. */
export function withCompensations<E extends object>(error: E, records: CompensationRecord[]): E {
  compensationsByError.set(error, [...(compensationsByError.get(error) ?? []), ...records]);
  return error;
}

/** The compensations that ran because of this error (kept in a module-level WeakMap keyed by the error object, so no global state leaks between workflows), or undefined. */
export function compensationsOf(error: unknown): CompensationRecord[] | undefined {
  return typeof error === 'object' && error !== null ? compensationsByError.get(error) : undefined;
}
