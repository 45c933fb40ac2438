import { BollingerBands, EMA, MACD, RSI, SMA } from 'trading-signals';
import type { IndicatorAlertParams } from './jobParams/indicatorAlert.ts';
import type { Candle } from './marketData/provider.ts';

// The indicator math is trading-signals' (checked against Tulip Indicators' reference data); this module only picks
// the series an alert reads and how much history it needs.

/** A binance klines request returns at most this many candles. */
export const MAX_CANDLES = 1000;

/** How many closes the indicator needs before its first value. */
function warmUp(params: IndicatorAlertParams): number {
  switch (params.indicator) {
    case 'rsi':
      return params.period + 1;
    case 'macd':
      return params.slow_period + params.signal_period - 1;
    default:
      return params.period;
  }
}

/** Exponential averages remember their seed; four periods more make its weight negligible (about e^-8 for an EMA). */
function settling(params: IndicatorAlertParams): number {
  switch (params.indicator) {
    case 'rsi':
    case 'ema':
      return 4 * params.period;
    case 'macd':
      return 4 * params.slow_period;
    default:
      return 0;
  }
}

/** Closed candles to ask for: enough for two values (the crosses compare them), plus settling, within one request. */
export function candlesNeeded(params: IndicatorAlertParams): number {
  return Math.min(MAX_CANDLES - 1, warmUp(params) + 1 + settling(params));
}

/** Fewest closes that give the two values a condition reads. */
export function minimumCloses(params: IndicatorAlertParams): number {
  return warmUp(params) + 1;
}

/** Feeds one close, answers the alert's series value once the indicator has one (null before). */
type SeriesStep = (close: number) => number | null;

function seriesOf(params: IndicatorAlertParams): SeriesStep {
  switch (params.indicator) {
    case 'rsi': {
      const rsi = new RSI(params.period);
      return (close) => rsi.add(close);
    }
    case 'sma': {
      const sma = new SMA(params.period);
      return (close) => sma.add(close);
    }
    case 'ema': {
      const ema = new EMA(params.period);
      // The library's EMA answers from the first close on (seeded with it); only a full period counts.
      return (close) => (ema.add(close), ema.isStable ? ema.getResult() : null);
    }
    case 'macd': {
      const macd = new MACD(new EMA(params.fast_period), new EMA(params.slow_period), new EMA(params.signal_period));
      let seen = 0;
      return (close) => {
        const result = macd.add(close);
        seen += 1;
        // The signal line is an EMA of the MACD line: it means something once it has a full period of MACD values.
        return result && seen >= params.slow_period + params.signal_period - 1 ? result[params.line] : null;
      };
    }
    case 'bollinger': {
      const bands = new BollingerBands(params.period, params.std_dev);
      const band = params.condition === 'price_above_upper' ? 'upper' : 'lower';
      return (close) => bands.add(close)?.[band] ?? null;
    }
  }
}

/** The alert's series over the closes, oldest first, from the indicator's first value on. */
export function indicatorSeries(params: IndicatorAlertParams, closes: readonly number[]): number[] {
  const step = seriesOf(params);
  const values: number[] = [];
  for (const close of closes) {
    const value = step(close);
    if (value !== null) values.push(value);
  }
  return values;
}

/** What an indicator alert decides on: the series on the last two closed candles, and the latest price. */
export interface IndicatorReading {
  /** The series on the last closed candle (for Bollinger alerts, the band the condition names). */
  value: number;
  /** The series on the closed candle before it: what the crosses compare against. */
  previous: number;
  /** The latest close, the open candle's if there is one. */
  price: number;
  /** ISO close time of the last closed candle. */
  candle_closed_at: string;
}

/** The reading from candles (oldest first) at time `nowMs`, or undefined when they are too few for two values. */
export function indicatorReading(params: IndicatorAlertParams, candles: readonly Candle[], nowMs: number): IndicatorReading | undefined {
  // Only closed candles count, so every run within one candle reads the same values.
  const closed = candles.filter((candle) => candle.close_time < nowMs);
  const values = indicatorSeries(params, closed.map((candle) => candle.close));
  const price = candles.at(-1)?.close;
  if (values.length < 2 || price === undefined) return undefined;
  return { value: values.at(-1)!, previous: values.at(-2)!, price, candle_closed_at: new Date(closed.at(-1)!.close_time).toISOString() };
}
