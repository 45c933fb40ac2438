import { describe, expect, it } from 'vitest';
import { indicatorAlertParams } from '../../lib/jobParams/indicatorAlert.ts';
import { indicatorConditionHolds } from '../../workflows/indicatorCondition.ts';

const rsi = (condition: string, value: number) => indicatorAlertParams.parse({ indicator: 'rsi', condition, value });
const bollinger = (condition: string) => indicatorAlertParams.parse({ indicator: 'bollinger', condition });

describe('indicator alert conditions', () => {
  it('reads above and below inclusively on the last closed value', () => {
    expect(indicatorConditionHolds(rsi('above', 70), { value: 70, previous: 10, price: 1 })).toBe(true);
    expect(indicatorConditionHolds(rsi('above', 70), { value: 69.99, previous: 90, price: 1 })).toBe(false);
    expect(indicatorConditionHolds(rsi('below', 30), { value: 30, previous: 50, price: 1 })).toBe(true);
    expect(indicatorConditionHolds(rsi('below', 30), { value: 30.01, previous: 10, price: 1 })).toBe(false);
  });

  it('fires a cross only when the previous value was strictly on the other side', () => {
    expect(indicatorConditionHolds(rsi('crosses_above', 70), { value: 71, previous: 69, price: 1 })).toBe(true);
    expect(indicatorConditionHolds(rsi('crosses_above', 70), { value: 70, previous: 69, price: 1 })).toBe(true);
    expect(indicatorConditionHolds(rsi('crosses_above', 70), { value: 72, previous: 70, price: 1 })).toBe(false);
    expect(indicatorConditionHolds(rsi('crosses_above', 70), { value: 69, previous: 60, price: 1 })).toBe(false);
    expect(indicatorConditionHolds(rsi('crosses_below', 30), { value: 29, previous: 31, price: 1 })).toBe(true);
    expect(indicatorConditionHolds(rsi('crosses_below', 30), { value: 29, previous: 30, price: 1 })).toBe(false);
    expect(indicatorConditionHolds(rsi('crosses_below', 30), { value: 31, previous: 40, price: 1 })).toBe(false);
  });

  it('compares the price with the named Bollinger band', () => {
    expect(indicatorConditionHolds(bollinger('price_above_upper'), { value: 100, previous: 99, price: 100.5 })).toBe(true);
    expect(indicatorConditionHolds(bollinger('price_above_upper'), { value: 100, previous: 99, price: 99.5 })).toBe(false);
    expect(indicatorConditionHolds(bollinger('price_below_lower'), { value: 90, previous: 91, price: 89 })).toBe(true);
    expect(indicatorConditionHolds(bollinger('price_below_lower'), { value: 90, previous: 91, price: 95 })).toBe(false);
  });

  it('reads negative MACD thresholds', () => {
    const macd = indicatorAlertParams.parse({ indicator: 'macd', condition: 'crosses_above', value: 0 });
    expect(indicatorConditionHolds(macd, { value: 0.2, previous: -0.1, price: 1 })).toBe(true);
    expect(indicatorConditionHolds(macd, { value: -0.05, previous: -0.1, price: 1 })).toBe(false);
  });
});
