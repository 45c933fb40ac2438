import { ApplicationFailure } from '@temporalio/common';
import type { RunError } from '../db/entities/index.ts';

/** The first application failure in the chain names what went wrong (an activity failure wraps it): what a JobRun's error says. */
export function describeRunFailure(failure: unknown): Omit<RunError, 'compensations'> {
  for (let cause = failure; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof ApplicationFailure) {
      return { type: cause.type ?? 'ApplicationFailure', message: cause.message, non_retryable: Boolean(cause.nonRetryable) };
    }
  }
  const error = failure instanceof Error ? failure : new Error(String(failure));
  return { type: error.name, message: error.message, non_retryable: false };
}
