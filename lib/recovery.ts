import { isRetryable, KeelError } from './errors.ts';

/**
 * How Keel recovers from a failure, decided in one place: `retry` with backoff (Temporal, under the activity's retry
 * policy), `fallback` to a recent stand-in answer marked stale (the last known price), or `fail` (business errors).
 * A non-critical step (a report's chart) is instead run under degradeOnFailure: skipped and recorded.
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

/**
 * The `degrade` recovery: runs a step the result can do without; when it fails, records its name in `degraded` and
 * answers undefined, so the caller carries on without it.
 */
export async function degradeOnFailure<T>(step: string, run: () => Promise<T>, degraded: string[], onFailure?: (error: unknown) => void): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    degraded.push(step);
    onFailure?.(error);
    return undefined;
  }
}
