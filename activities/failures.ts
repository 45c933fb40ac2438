import { ApplicationFailure } from '@temporalio/common';
import { KeelError } from '../lib/errors.ts';

/** Runs an activity body so that classified errors reach Temporal typed: business ones never retried. */
export async function asActivity<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (!(error instanceof KeelError)) throw error;
    const details = [{ category: error.category }];
    throw error.retryable
      ? ApplicationFailure.create({ message: error.message, type: error.type, details, cause: error })
      : ApplicationFailure.create({ message: error.message, type: error.type, details, nonRetryable: true, cause: error });
  }
}
