import { setTimeout as sleep } from 'node:timers/promises';
import { classifyError, KeelError } from './errors.ts';
import { retryDelayMs, type RetryPolicyConfig } from './retryStrategies.ts';

export interface RetryOptions {
  /** Which errors are worth another attempt; by default a classified transient error of a category the policy retries. */
  isRetryable?: (error: unknown) => boolean;
  /** Told before each wait: for a log line. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  signal?: AbortSignal;
}

/** Classified, transient and of a category the policy names; an unclassified error is a bug or bad config: not retried. */
export function retriesUnder(policy: RetryPolicyConfig): (error: unknown) => boolean {
  return (error) => {
    const classified = classifyError(error);
    return classified instanceof KeelError && classified.retryable && (policy.retry_on as string[]).includes(classified.category);
  };
}

/**
 * The retry helper for code outside workflows (start-up connections, the API's calls to Temporal and the database):
 * the same named policies and delay sequences Temporal applies to activities. max_attempts 0 means no limit.
 */
export async function withRetry<T>(policy: RetryPolicyConfig, call: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const isRetryable = options.isRetryable ?? retriesUnder(policy);
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      const attemptsLeft = policy.max_attempts === 0 || attempt < policy.max_attempts;
      if (!attemptsLeft || !isRetryable(error) || options.signal?.aborted) throw error;
      const hinted = error instanceof KeelError ? error.retryAfterMs : undefined;
      const delayMs = hinted ?? retryDelayMs(policy, attempt);
      options.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs, undefined, { signal: options.signal });
    }
  }
}
