import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import { retryDelayMs, temporalComputesDelays, toTemporalRetryPolicy, type RetryPolicyConfig } from '../../lib/retryStrategies.ts';

const policy = (overrides: Partial<RetryPolicyConfig>): RetryPolicyConfig => ({
  max_attempts: 10,
  base_delay: 1,
  strategy: 'fixed',
  backoff_factor: 2,
  max_delay: 30,
  jitter: false,
  retry_on: ['network'],
  ...overrides,
});
const delays = (p: RetryPolicyConfig, count: number) => Array.from({ length: count }, (_, i) => retryDelayMs(p, i + 1));

describe('retry strategies', () => {
  it('pins the delay sequence of each strategy, capped at max_delay', () => {
    expect(delays(policy({ strategy: 'fixed', base_delay: 2 }), 5)).toEqual([2000, 2000, 2000, 2000, 2000]);
    expect(delays(policy({ strategy: 'exponential', backoff_factor: 2, max_delay: 10 }), 6)).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
    expect(delays(policy({ strategy: 'exponential', base_delay: 0.5, backoff_factor: 3 }), 4)).toEqual([500, 1500, 4500, 13500]);
    expect(delays(policy({ strategy: 'linear', base_delay: 1.5, max_delay: 6 }), 5)).toEqual([1500, 3000, 4500, 6000, 6000]);
    expect(delays(policy({ strategy: 'fibonacci', max_delay: 10 }), 8)).toEqual([1000, 1000, 2000, 3000, 5000, 8000, 10000, 10000]);
  });

  it('keeps every jittered delay within [delay / 2, delay] of the unjittered one', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('fixed', 'exponential', 'linear', 'fibonacci' as const),
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (strategy, attempt, random) => {
          const plain = policy({ strategy });
          const full = retryDelayMs(plain, attempt);
          const jittered = retryDelayMs({ ...plain, jitter: true }, attempt, () => random);
          return jittered >= Math.floor(full / 2) && jittered <= full;
        },
      ),
    );
  });

  it('lets Temporal compute only exponential and fixed delays without jitter; maps them onto its RetryPolicy', () => {
    expect(toTemporalRetryPolicy(policy({ strategy: 'exponential', base_delay: 0.2, backoff_factor: 3, max_delay: 5, max_attempts: 4 }))).toEqual({
      initialInterval: 200,
      backoffCoefficient: 3,
      maximumInterval: 5000,
      maximumAttempts: 4,
    });
    expect(toTemporalRetryPolicy(policy({ strategy: 'fixed', base_delay: 2 }))).toMatchObject({ initialInterval: 2000, backoffCoefficient: 1 });
    // max_attempts 0 is "no limit": Temporal refuses 0, so the field is left out.
    expect(toTemporalRetryPolicy(policy({ strategy: 'exponential', max_attempts: 0 }))).not.toHaveProperty('maximumAttempts');
    expect(temporalComputesDelays(policy({ strategy: 'exponential' }))).toBe(true);
    expect(temporalComputesDelays(policy({ strategy: 'exponential', jitter: true }))).toBe(false);
    expect(temporalComputesDelays(policy({ strategy: 'linear' }))).toBe(false);
    expect(temporalComputesDelays(policy({ strategy: 'fibonacci' }))).toBe(false);
  });
});

describe('retry policies in config', () => {
  const configDir = new URL('../../config', import.meta.url).pathname;

  it("has the seed's default and every policy a profile names", () => {
    const policies = loadConfig({ CONFIG_DIR: configDir }).error_handling.retry_policies;
    expect(policies.default).toEqual({ max_attempts: 3, base_delay: 1, strategy: 'exponential', backoff_factor: 2, max_delay: 30, jitter: true, retry_on: ['network', 'api', 'database', 'system'] });
    expect(Object.keys(policies)).toEqual(expect.arrayContaining(['market_data', 'notify', 'exchange_order', 'compensation', 'startup']));
  });
});
