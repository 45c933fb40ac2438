import { describe, expect, it } from 'vitest';
import { degradeOnFailure } from '../../lib/recovery.ts';

describe('the degrade recovery', () => {
  it('answers the step result and records nothing when the step works', async () => {
    const degraded: string[] = [];
    expect(await degradeOnFailure('chart', () => Promise.resolve('png'), degraded)).toBe('png');
    expect(degraded).toEqual([]);
  });

  it('skips a failing step, records its name and hands the error to onFailure', async () => {
    const degraded: string[] = [];
    const seen: unknown[] = [];
    const failure = new Error('renderer crashed');
    expect(await degradeOnFailure('chart', () => Promise.reject(failure), degraded, (error) => seen.push(error))).toBeUndefined();
    expect(degraded).toEqual(['chart']);
    expect(seen).toEqual([failure]);
  });
});
