import { describe, expect, it } from 'vitest';
import { candlesNeeded, indicatorReading, indicatorSeries, MAX_CANDLES, minimumCloses } from '../../lib/indicators.ts';
import { indicatorAlertParams, type IndicatorAlertParams } from '../../lib/jobParams/indicatorAlert.ts';
import { simulatedKlines, simulatedPrice } from '../../lib/marketData/simulated.ts';

// Published reference values: Tulip Indicators' test vectors (github.com/TulipCharts/tulipindicators, tests/untest.txt,
// the 15-close series it uses for rsi 5, sma 5, ema 5, bbands 5 2 and macd 2 5 9), and Wilder's RSI 14 on the
// StockCharts ChartSchool example series (computed without rounding in between: first value 70.4641).
const TULIP = [81.59, 81.06, 82.87, 83.0, 83.61, 83.15, 82.84, 83.99, 84.55, 84.36, 85.53, 86.54, 86.89, 87.77, 87.29];
const STOCKCHARTS_RSI = [
  44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.1, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61, 46.28, 46.28, 46.0, 46.03, 46.41, 46.22, 45.64, 46.21, 46.25, 45.71,
  46.45, 45.78, 45.35, 44.03, 44.18, 44.22, 44.57, 43.42, 42.66, 43.13,
];

const params = (raw: Record<string, unknown>): IndicatorAlertParams => indicatorAlertParams.parse(raw);
const fixed = (values: number[], digits: number) => values.map((value) => value.toFixed(digits));

describe('indicator series', () => {
  it('computes SMA 5 as Tulip Indicators publishes it', () => {
    const series = indicatorSeries(params({ indicator: 'sma', period: 5, condition: 'above', value: 1 }), TULIP);
    expect(fixed(series, 3)).toEqual(['82.426', '82.738', '83.094', '83.318', '83.628', '83.778', '84.254', '84.994', '85.574', '86.218', '86.804']);
  });

  it('computes EMA 5 as Tulip Indicators publishes it, from its first full period on', () => {
    const series = indicatorSeries(params({ indicator: 'ema', period: 5, condition: 'above', value: 1 }), TULIP);
    // Tulip seeds with the first close and lists every step; the first four are not a full period yet.
    expect(fixed(series, 3)).toEqual(['82.714', '82.859', '82.853', '83.232', '83.671', '83.901', '84.444', '85.143', '85.725', '86.407', '86.701']);
  });

  it("computes Wilder's RSI 5 as Tulip Indicators publishes it", () => {
    const series = indicatorSeries(params({ indicator: 'rsi', period: 5, condition: 'above', value: 50 }), TULIP);
    expect(fixed(series, 3)).toEqual(['72.034', '64.927', '75.936', '79.796', '74.713', '83.033', '87.478', '88.755', '91.483', '78.498']);
  });

  it("computes Wilder's RSI 14 on the StockCharts example series", () => {
    const series = indicatorSeries(params({ indicator: 'rsi', condition: 'above', value: 50 }), STOCKCHARTS_RSI);
    expect(series[0]).toBeCloseTo(70.4641, 4);
    expect(fixed(series, 2)).toEqual(['70.46', '66.25', '66.48', '69.35', '66.29', '57.92', '62.88', '63.21', '56.01', '62.34', '54.67', '50.39', '40.02', '41.49', '41.90', '45.50', '37.32', '33.09', '37.79']);
  });

  it('computes Bollinger bands 5/2 as Tulip Indicators publishes them, the band the condition names', () => {
    const upper = indicatorSeries(params({ indicator: 'bollinger', period: 5, condition: 'price_above_upper' }), TULIP);
    const lower = indicatorSeries(params({ indicator: 'bollinger', period: 5, condition: 'price_below_lower' }), TULIP);
    expect(fixed(upper, 3)).toEqual(['84.322', '84.489', '83.655', '84.164', '84.838', '85.121', '85.997', '86.845', '87.612', '88.566', '88.319']);
    expect(fixed(lower, 3)).toEqual(['80.530', '80.987', '82.533', '82.472', '82.418', '82.435', '82.511', '83.143', '83.536', '83.870', '85.289']);
  });

  it('computes MACD 2/5/9 as Tulip Indicators publishes it, once the signal line has a full period', () => {
    const line = (name: string) => indicatorSeries(params({ indicator: 'macd', fast_period: 2, slow_period: 5, signal_period: 9, line: name, condition: 'above', value: 0 }), TULIP);
    // Tulip's last three of eleven: the signal EMA has seen nine MACD values from the thirteenth close on.
    expect(fixed(line('macd'), 3)).toEqual(['0.891', '0.979', '0.621']);
    expect(fixed(line('signal'), 3)).toEqual(['0.656', '0.721', '0.701']);
    expect(fixed(line('histogram'), 3)).toEqual(['0.235', '0.258', '-0.080']);
  });

  it('gives no value before the indicator has enough closes', () => {
    const sma = params({ indicator: 'sma', period: 5, condition: 'above', value: 1 });
    expect(indicatorSeries(sma, TULIP.slice(0, 4))).toEqual([]);
    expect(indicatorSeries(sma, TULIP.slice(0, minimumCloses(sma)))).toHaveLength(2);
  });

  it('asks for enough candles to settle exponential averages, within one klines request', () => {
    expect(candlesNeeded(params({ indicator: 'sma', period: 20, condition: 'above', value: 1 }))).toBe(21);
    expect(candlesNeeded(params({ indicator: 'ema', period: 20, condition: 'above', value: 1 }))).toBe(101);
    expect(candlesNeeded(params({ indicator: 'rsi', condition: 'above', value: 50 }))).toBe(14 + 1 + 1 + 56);
    for (const raw of [
      { indicator: 'ema', period: 200, condition: 'above', value: 1 },
      { indicator: 'macd', fast_period: 100, slow_period: 200, signal_period: 100, condition: 'above', value: 0 },
      { indicator: 'rsi', period: 100, condition: 'above', value: 50 },
    ]) {
      const p = params(raw);
      expect(candlesNeeded(p) + 1).toBeLessThanOrEqual(MAX_CANDLES);
      expect(candlesNeeded(p)).toBeGreaterThanOrEqual(minimumCloses(p));
    }
  });

  it('reads the last two closed candles and the latest price, leaving the open candle out of the indicator', () => {
    const at = Date.parse('2026-11-27T10:15:30Z');
    const rsi = params({ indicator: 'rsi', condition: 'above', value: 50 });
    const candles = simulatedKlines('BTCUSDT', '1h', candlesNeeded(rsi) + 1, at);
    const closedSeries = indicatorSeries(rsi, candles.slice(0, -1).map((c) => c.close));
    expect(indicatorReading(rsi, candles, at)).toEqual({
      value: closedSeries.at(-1),
      previous: closedSeries.at(-2),
      price: simulatedPrice('BTCUSDT', at),
      candle_closed_at: '2026-11-27T09:59:59.999Z',
    });
    expect(closedSeries.at(-1)).not.toBe(closedSeries.at(-2));
    expect(indicatorReading(rsi, candles.slice(-minimumCloses(rsi)), at)).toBeUndefined();
    expect(indicatorReading(rsi, [], at)).toBeUndefined();
  });
});
