import { describe, expect, it } from 'vitest';
import { priceAlertParams, type PriceAlertMode, type PriceCondition } from '../../lib/jobParams/priceAlert.ts';
import { decidePriceAlert, INITIAL_PRICE_ALERT_STATE, priceConditionHolds, type PriceAlertState } from '../../workflows/priceCondition.ts';

/** Feeds prices one run after another through the decision, as the stored state would carry them; answers which runs fired. */
function firings(condition: PriceCondition, value: number, mode: PriceAlertMode, prices: number[]): boolean[] {
  let state: PriceAlertState = INITIAL_PRICE_ALERT_STATE;
  return prices.map((price) => {
    const decision = decidePriceAlert({ condition, value, mode }, state, { price });
    state = decision.next;
    return decision.triggered;
  });
}

describe('priceConditionHolds', () => {
  it.each([
    ['above', 50_000, 50_150, null, true],
    ['above', 50_000, 50_000, null, true],
    ['above', 50_000, 49_999.99, null, false],
    ['below', 40_000, 39_000, null, true],
    ['below', 40_000, 40_000, null, true],
    ['below', 40_000, 50_150, null, false],
    ['crosses_above', 100, 101, null, false],
    ['crosses_above', 100, 101, 99, true],
    ['crosses_above', 100, 100, 99.5, true],
    ['crosses_above', 100, 101, 100, false],
    ['crosses_above', 100, 98, 99, false],
    ['crosses_below', 100, 99, 101, true],
    ['crosses_below', 100, 99, 100, false],
    ['crosses_below', 100, 99, null, false],
  ] as const)('%s %d at price %d after %s is %s', (condition, value, price, previous, expected) => {
    expect(priceConditionHolds({ condition, value }, { price }, previous)).toBe(expected);
  });

  it.each([
    [5, 5, true],
    [5, 7.2, true],
    [5, 4.99, false],
    [5, -6, false],
    [-5, -5, true],
    [-5, -8, true],
    [-5, 6, false],
  ])('change_pct %d fires on a %d %% move: %s', (value, change, expected) => {
    expect(priceConditionHolds({ condition: 'change_pct', value }, { price: 1, change_pct: change }, null)).toBe(expected);
  });
});

describe('decidePriceAlert across runs', () => {
  it('records the first price of a cross without firing, then fires each later crossing once', () => {
    expect(firings('crosses_above', 100, 'every_time', [105, 99, 101, 102, 98, 100, 100])).toEqual([false, false, true, false, false, true, false]);
    expect(firings('crosses_below', 100, 'every_time', [95, 101, 99, 98, 101, 100])).toEqual([false, false, true, false, false, true]);
  });

  it('fires a level condition on every run it holds in every_time mode', () => {
    expect(firings('above', 100, 'every_time', [101, 102, 99, 103])).toEqual([true, true, false, true]);
  });

  it('fires a one-shot alert once and never again, whatever the price does', () => {
    expect(firings('above', 100, 'once', [99, 101, 102, 90, 110])).toEqual([false, true, false, false, false]);
    expect(firings('crosses_below', 100, 'once', [101, 99, 101, 99])).toEqual([false, true, false, false]);
  });

  it('re-arms only after the price went back across the threshold', () => {
    expect(firings('above', 100, 'rearm', [101, 105, 102, 99, 100, 120, 98, 101])).toEqual([true, false, false, false, true, false, false, true]);
    expect(firings('below', 100, 'rearm', [90, 95, 100, 100.01, 99])).toEqual([true, false, false, false, true]);
  });

  it('re-arms a change_pct alert once the move fell back under the threshold', () => {
    let state = INITIAL_PRICE_ALERT_STATE;
    const fired = [6, 7, 2, 5].map((change_pct) => {
      const decision = decidePriceAlert({ condition: 'change_pct', value: 5, mode: 'rearm' }, state, { price: 1, change_pct });
      state = decision.next;
      return decision.triggered;
    });
    expect(fired).toEqual([true, false, false, true]);
  });

  it('keeps the last price for the next run whether or not it fired', () => {
    const decision = decidePriceAlert({ condition: 'crosses_above', value: 100, mode: 'every_time' }, { last_price: 99, armed: true }, { price: 101 });
    expect(decision).toEqual({ triggered: true, next: { last_price: 101, armed: true } });
  });
});

describe('price alert params', () => {
  it('accepts the seed example and defaults the mode', () => {
    expect(priceAlertParams.parse({ condition: 'above', value: 50_000, timeframe: '1m' })).toEqual({ condition: 'above', value: 50_000, timeframe: '1m', mode: 'every_time' });
  });

  it.each([
    [{ condition: 'above', value: -1 }, 'value'],
    [{ condition: 'crosses_below', value: 0 }, 'value'],
    [{ condition: 'change_pct', value: 0 }, 'value'],
    [{ condition: 'change_pct', value: 5000 }, 'value'],
    [{ condition: 'between', value: 5 }, 'condition'],
    [{ condition: 'above', value: 5, timeframe: '7m' }, 'timeframe'],
    [{ condition: 'above', value: 5, mode: 'twice' }, 'mode'],
  ])('refuses %j on %s', (params, path) => {
    const parsed = priceAlertParams.safeParse(params);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((issue) => issue.path.join('.'))).toEqual([path]);
  });

  it('names every bad field at once', () => {
    const parsed = priceAlertParams.safeParse({ condition: 'sideways', value: -1 });
    expect(parsed.error!.issues.map((issue) => issue.path.join('.'))).toEqual(['condition', 'value']);
  });

  it('accepts a falling change_pct', () => {
    expect(priceAlertParams.parse({ condition: 'change_pct', value: -3, timeframe: '1h', mode: 'rearm' })).toMatchObject({ value: -3, mode: 'rearm' });
  });
});
