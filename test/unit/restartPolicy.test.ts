import { describe, expect, it } from 'vitest';
import { nextFailureCount, restartDelayMs, type RestartPolicy } from '../../scripts/restartPolicy.ts';

const policy: RestartPolicy = { initialDelayMs: 1_000, maxDelayMs: 5_000, stableAfterMs: 60_000, maxQuickFailures: 5 };

describe('restart policy', () => {
  it('doubles the delay for each quick failure in a row, up to the cap', () => {
    expect([1, 2, 3, 4, 5].map((failures) => restartDelayMs(policy, failures))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
  });

  it('gives up after the last allowed quick failure', () => {
    expect(restartDelayMs(policy, 6)).toBeUndefined();
  });

  it('counts again from one after a process that had run long enough', () => {
    expect(nextFailureCount(policy, 4, 1_000)).toBe(5);
    expect(nextFailureCount(policy, 4, 60_000)).toBe(1);
  });
});
