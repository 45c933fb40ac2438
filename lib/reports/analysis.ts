import { BollingerBands, EMA, MACD, RSI, SMA } from 'trading-signals';
import type { Candle } from '../marketData/provider.ts';

export type Trend = 'up' | 'down' | 'sideways';

/** A fitted line that moves less than this share of the mean price over the window is no trend. */
const TREND_THRESHOLD = 0.02;
/** A pivot is the lowest low (highest high) of this many candles on each side. */
const PIVOT_SPAN = 3;
/** Pivots closer than this share of the price are one level. */
const LEVEL_TOLERANCE = 0.005;
/** Levels shown on each side of the price. */
const MAX_LEVELS = 3;

/** One closed candle's indicator values, for the chart (null while the indicator warms up). */
export interface IndicatorPoint {
  sma_20: number | null;
  sma_50: number | null;
  bb_upper: number | null;
  bb_lower: number | null;
}

export interface Analysis {
  last_price: number;
  /** From the first candle's open to the last price, in percent. */
  change_pct: number;
  indicators: { rsi_14: number | null; sma_20: number | null; sma_50: number | null; ema_20: number | null; macd: number | null; macd_signal: number | null; macd_histogram: number | null; bb_upper: number | null; bb_lower: number | null };
  trend: Trend;
  /** Levels under the price, nearest first. */
  support: number[];
  /** Levels over the price, nearest first. */
  resistance: number[];
  series: IndicatorPoint[];
}

const rounded = (value: number | null | undefined, digits = 8) => (value === null || value === undefined || !Number.isFinite(value) ? null : Number(value.toFixed(digits)));

/** Least-squares slope of the values against their index. */
export function slope(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((sum, value) => sum + value, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((value, x) => {
    num += (x - meanX) * (value - meanY);
    den += (x - meanX) ** 2;
  });
  return num / den;
}

/** Up or down when the line fitted to the closes moves more than 2 % of their mean over the window; sideways otherwise. */
export function trendOf(closes: readonly number[]): Trend {
  if (closes.length < 2) return 'sideways';
  const mean = closes.reduce((sum, value) => sum + value, 0) / closes.length;
  const move = (slope(closes) * (closes.length - 1)) / mean;
  if (move > TREND_THRESHOLD) return 'up';
  if (move < -TREND_THRESHOLD) return 'down';
  return 'sideways';
}

/** Swing lows and highs: a candle whose low (high) is the extreme of the PIVOT_SPAN candles on each side. */
export function pivots(candles: readonly Pick<Candle, 'high' | 'low'>[], span = PIVOT_SPAN): { lows: number[]; highs: number[] } {
  const lows: number[] = [];
  const highs: number[] = [];
  for (let i = span; i < candles.length - span; i++) {
    const { low, high } = candles[i]!;
    const before = candles.slice(i - span, i);
    const after = candles.slice(i + 1, i + span + 1);
    // Strictly beyond the candles before, at least level with those after: a flat bottom or top counts once.
    if (before.every((candle) => candle.low > low) && after.every((candle) => candle.low >= low)) lows.push(low);
    if (before.every((candle) => candle.high < high) && after.every((candle) => candle.high <= high)) highs.push(high);
  }
  return { lows, highs };
}

/** Merges levels within LEVEL_TOLERANCE of each other into their mean, ordered by distance from `price`. */
export function clusterLevels(levels: readonly number[], price: number): number[] {
  const sorted = [...levels].sort((a, b) => a - b);
  const clusters: number[][] = [];
  for (const level of sorted) {
    const last = clusters.at(-1);
    if (last && level - last[0]! <= last[0]! * LEVEL_TOLERANCE) last.push(level);
    else clusters.push([level]);
  }
  return clusters.map((cluster) => cluster.reduce((sum, value) => sum + value, 0) / cluster.length).sort((a, b) => Math.abs(a - price) - Math.abs(b - price));
}

/** Support under the price and resistance over it, from the swing lows and highs (the window's low and high when there are none). */
export function supportAndResistance(candles: readonly Pick<Candle, 'high' | 'low'>[], price: number): { support: number[]; resistance: number[] } {
  const { lows, highs } = pivots(candles);
  const levels = clusterLevels([...lows, ...highs], price);
  let support = levels.filter((level) => level < price).slice(0, MAX_LEVELS);
  let resistance = levels.filter((level) => level > price).slice(0, MAX_LEVELS);
  if (support.length === 0) support = [Math.min(...candles.map((candle) => candle.low))].filter((low) => low < price);
  if (resistance.length === 0) resistance = [Math.max(...candles.map((candle) => candle.high))].filter((high) => high > price);
  return { support: support.map((level) => rounded(level)!), resistance: resistance.map((level) => rounded(level)!) };
}

/** The report's figures from closed candles (oldest first) and the latest price. */
export function analyze(candles: readonly Candle[], lastPrice: number): Analysis {
  const sma20 = new SMA(20);
  const sma50 = new SMA(50);
  const ema20 = new EMA(20);
  const rsi = new RSI(14);
  const macd = new MACD(new EMA(12), new EMA(26), new EMA(9));
  const bands = new BollingerBands(20, 2);
  let macdResult: { macd: number; signal: number; histogram: number } | null = null;
  const series = candles.map((candle): IndicatorPoint => {
    const band = bands.add(candle.close);
    ema20.add(candle.close);
    rsi.add(candle.close);
    macdResult = macd.add(candle.close) ?? macdResult;
    return { sma_20: rounded(sma20.add(candle.close)), sma_50: rounded(sma50.add(candle.close)), bb_upper: rounded(band?.upper), bb_lower: rounded(band?.lower) };
  });
  const last = series.at(-1);
  const first = candles[0]!;
  const finalMacd = macdResult as { macd: number; signal: number; histogram: number } | null;
  return {
    last_price: lastPrice,
    change_pct: rounded(((lastPrice - first.open) / first.open) * 100, 4)!,
    indicators: {
      rsi_14: rounded(rsi.isStable ? rsi.getResult() : null, 4),
      sma_20: last?.sma_20 ?? null,
      sma_50: last?.sma_50 ?? null,
      ema_20: rounded(ema20.isStable ? ema20.getResult() : null),
      macd: rounded(finalMacd?.macd),
      macd_signal: rounded(finalMacd?.signal),
      macd_histogram: rounded(finalMacd?.histogram),
      bb_upper: last?.bb_upper ?? null,
      bb_lower: last?.bb_lower ?? null,
    },
    trend: trendOf(candles.map((candle) => candle.close)),
    ...supportAndResistance(candles, lastPrice),
    series,
  };
}
