import { describe, expect, it } from 'vitest';
import { ApiError, businessError, networkError } from '../../lib/errors.ts';
import { withRetry } from '../../lib/retry.ts';
import type { RetryPolicyConfig } from '../../lib/retryStrategies.ts';

const policy: RetryPolicyConfig = { max_attempts: 4, base_delay: 0.001, strategy: 'linear', backoff_factor: 1, max_delay: 1, jitter: false, retry_on: ['network', 'api'] };

describe('withRetry', () => {
  it('retries transient errors of the categories the policy names, at its delays, up to max_attempts', async () => {
    const waits: number[] = [];
    let calls = 0;
    const failing = withRetry(policy, () => Promise.reject(networkError(`reset ${++calls}`)), { onRetry: (_error, _attempt, delayMs) => waits.push(delayMs) });
    await expect(failing).rejects.toThrow('reset 4');
    expect(waits).toEqual([1, 2, 3]);
    expect(await withRetry(policy, (attempt) => (attempt < 3 ? Promise.reject(new ApiError('busy', 503, {})) : Promise.resolve(attempt)))).toBe(3);
  });

  it('does not retry business errors, categories left out, or errors nobody classified', async () => {
    for (const error of [businessError('InvalidSymbol', 'no'), new ApiError('bad', 400, {}), new RangeError('bug')]) {
      let calls = 0;
      await expect(withRetry(policy, () => Promise.reject(Object.assign(error, { calls: ++calls })))).rejects.toBe(error);
      expect(calls).toBe(1);
    }
    let databaseCalls = 0;
    const database = Object.assign(new Error('connection terminated'), { code: '08006' });
    await expect(withRetry(policy, () => Promise.reject((databaseCalls++, database)))).rejects.toBe(database);
    expect(databaseCalls).toBe(1);
  });

  it("waits as long as the remote's Retry-After asks", async () => {
    const waits: number[] = [];
    await withRetry(policy, (attempt) => (attempt === 1 ? Promise.reject(new ApiError('slow down', 429, {}, 5)) : Promise.resolve()), { onRetry: (_e, _a, delayMs) => waits.push(delayMs) });
    expect(waits).toEqual([5]);
  });
});
