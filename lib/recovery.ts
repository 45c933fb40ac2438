import { isRetryable, KeelError } from './errors.ts';

/**
 * How Keel recovers from a failure, decided in one place: `retry` with backoff (Temporal, under the activity's retry
 * policy), `fallback` to a recent stand-in answer marked stale (the last known price), or `fail` (business errors).
 */
export type RecoveryStrategy = 'retry' | 'fallback' | 'fail';

/** By error type: the dependency is known to be unavailable for a while, so a stand-in beats waiting. */
const BY_ERROR_TYPE: Record<string, RecoveryStrategy> = {
  CircuitOpen: 'fallback',
  BulkheadFull: 'fallback',
};

export function recoveryFor(error: unknown): RecoveryStrategy {
  const registered = error instanceof KeelError ? BY_ERROR_TYPE[error.type] : undefined;
  return registered ?? (isRetryable(error) ? 'retry' : 'fail');
}
