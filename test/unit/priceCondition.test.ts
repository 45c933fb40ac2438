import { describe, expect, it } from 'vitest';
import { priceConditionHolds } from '../../workflows/priceCondition.ts';

describe('priceConditionHolds', () => {
  it.each([
    ['above', 50_000, 50_150, true],
    ['above', 50_000, 50_000, true],
    ['above', 50_000, 49_999.99, false],
    ['below', 40_000, 39_000, true],
    ['below', 40_000, 40_000, true],
    ['below', 40_000, 50_150, false],
  ] as const)('%s %d at price %d is %s', (condition, threshold, price, expected) => {
    expect(priceConditionHolds(condition, threshold, price)).toBe(expected);
  });
});
