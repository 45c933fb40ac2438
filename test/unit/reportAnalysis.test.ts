import { describe, expect, it } from 'vitest';
import type { Candle } from '../../lib/marketData/provider.ts';
import { analyze, clusterLevels, pivots, slope, supportAndResistance, trendOf } from '../../lib/reports/analysis.ts';
import { chartSpec, renderChartPng } from '../../lib/reports/chart.ts';

const HOUR = 3_600_000;
/** Candles from closes: open at the previous close, high and low `spread` around the larger and smaller. */
function candlesOf(closes: number[], spread = 0): Candle[] {
  return closes.map((close, i) => {
    const open = i === 0 ? close : closes[i - 1]!;
    return { open_time: i * HOUR, open, high: Math.max(open, close) + spread, low: Math.min(open, close) - spread, close, volume: 1, close_time: (i + 1) * HOUR - 1 };
  });
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('report trend', () => {
  it('fits a least-squares line', () => {
    expect(slope([1, 2, 3, 4])).toBeCloseTo(1);
    expect(slope([10, 8, 6])).toBeCloseTo(-2);
    expect(slope([5, 5, 5])).toBe(0);
  });

  it('is up or down when the fitted line moves more than 2 % over the window, sideways otherwise', () => {
    expect(trendOf(Array.from({ length: 50 }, (_, i) => 100 + i * 0.1))).toBe('up'); // +4.9 on ~102: 4.8 %
    expect(trendOf(Array.from({ length: 50 }, (_, i) => 100 - i * 0.1))).toBe('down');
    expect(trendOf(Array.from({ length: 50 }, (_, i) => 100 + i * 0.02))).toBe('sideways'); // ~1 %
    expect(trendOf(Array.from({ length: 60 }, (_, i) => 100 + Math.sin((2 * Math.PI * i) / 20)))).toBe('sideways');
  });
});

describe('report support and resistance', () => {
  // A saw between ~90 and ~110: lows at 90 and 91, highs at 110 and 109.5.
  const closes = [104, 103, 102, 100, 95, 90, 95, 100, 105, 110, 105, 100, 95, 91, 95, 100, 105, 109.5, 105, 100, 98, 99];

  it('finds swing lows and highs over three candles each side', () => {
    const { lows, highs } = pivots(candlesOf(closes));
    expect(lows).toEqual([90, 91]);
    expect(highs).toEqual([110, 109.5]);
  });

  it('merges levels within 0.5 % and orders them by distance from the price', () => {
    expect(clusterLevels([110, 109.6, 90, 91], 100)).toEqual([91, 109.8, 90]);
  });

  it('puts support under the price and resistance over it, nearest first', () => {
    // 110 and 109.5 are within 0.5 %: one level between them.
    expect(supportAndResistance(candlesOf(closes), 99)).toEqual({ support: [91, 90], resistance: [109.75] });
  });

  it('falls back to the window low and high without swings', () => {
    const rising = candlesOf(Array.from({ length: 20 }, (_, i) => 100 + i), 0.5);
    expect(supportAndResistance(rising, 110)).toEqual({ support: [99.5], resistance: [119.5] });
  });
});

describe('report analysis', () => {
  const closes = Array.from({ length: 80 }, (_, i) => 100 + i * 0.5 + 2 * Math.sin(i));
  const analysis = analyze(candlesOf(closes, 0.2), 141);

  it('gives the last price, the change over the window and the indicators on the last candle', () => {
    expect(analysis.last_price).toBe(141);
    expect(analysis.change_pct).toBeCloseTo(41, 4);
    expect(analysis.indicators.sma_20).toBeCloseTo(closes.slice(-20).reduce((a, b) => a + b) / 20, 6);
    expect(analysis.indicators.sma_50).toBeCloseTo(closes.slice(-50).reduce((a, b) => a + b) / 50, 6);
    expect(analysis.indicators.rsi_14).toBeGreaterThan(50);
    expect(analysis.indicators.macd).toBeGreaterThan(0);
    expect(analysis.indicators.bb_upper).toBeGreaterThan(analysis.indicators.sma_20!);
    expect(analysis.indicators.bb_lower).toBeLessThan(analysis.indicators.sma_20!);
    expect(analysis.trend).toBe('up');
  });

  it('gives one chart point per candle, null while an indicator warms up', () => {
    expect(analysis.series).toHaveLength(80);
    expect(analysis.series[18]!.sma_20).toBeNull();
    expect(analysis.series[19]!.sma_20).not.toBeNull();
    expect(analysis.series[48]!.sma_50).toBeNull();
  });

  it('draws candles, averages, bands and levels, and renders them to a PNG without a browser', async () => {
    const candles = candlesOf(closes, 0.2);
    const spec = chartSpec({ title: 'TEST 1h', candles, analysis }) as { layer: unknown[] };
    expect(spec.layer).toHaveLength(analysis.support.length + analysis.resistance.length > 0 ? 3 : 2);
    const png = await renderChartPng({ title: 'TEST 1h', candles, analysis });
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    // The IHDR chunk: width and height as the spec asks, padding included.
    expect(png.readUInt32BE(16)).toBeGreaterThan(900);
    expect(png.readUInt32BE(20)).toBeGreaterThan(420);
  });
});
