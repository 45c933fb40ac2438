import { z } from 'zod';
import { CANDLE_INTERVALS } from './candleIntervals.ts';

export const INDICATORS = ['rsi', 'sma', 'ema', 'macd', 'bollinger'] as const;
export type Indicator = (typeof INDICATORS)[number];

/** Conditions on the indicator's value against `value`; the crosses compare the last two closed candles. */
export const THRESHOLD_CONDITIONS = ['above', 'below', 'crosses_above', 'crosses_below'] as const;
export type ThresholdCondition = (typeof THRESHOLD_CONDITIONS)[number];

/** Conditions on the current price against a Bollinger band. */
export const BAND_CONDITIONS = ['price_above_upper', 'price_below_lower'] as const;
export type BandCondition = (typeof BAND_CONDITIONS)[number];

export const MACD_LINES = ['macd', 'signal', 'histogram'] as const;

// Bounded so the candles needed fit in one Binance klines request (at most 1000).
const period = (fallback: number, max = 200) => z.number().int().min(2).max(max).default(fallback);
const interval = z.enum(CANDLE_INTERVALS).default('1h');
const condition = z.enum(THRESHOLD_CONDITIONS);

const rsi = z.strictObject({
  indicator: z.literal('rsi'),
  period: period(14, 100),
  interval,
  condition,
  /** RSI lives in 0–100: a threshold outside could never be met. */
  value: z.number().min(0).max(100),
});

const sma = z.strictObject({ indicator: z.literal('sma'), period: period(20), interval, condition, value: z.number().positive().finite() });
const ema = z.strictObject({ indicator: z.literal('ema'), period: period(20), interval, condition, value: z.number().positive().finite() });

const macd = z
  .strictObject({
    indicator: z.literal('macd'),
    fast_period: period(12, 100),
    slow_period: period(26),
    signal_period: period(9, 100),
    /** Which line the condition reads; the histogram crossing 0 is the classic signal-line crossover. */
    line: z.enum(MACD_LINES).default('histogram'),
    interval,
    condition,
    /** MACD lines are price differences: negative and zero thresholds are meaningful. */
    value: z.number().finite(),
  })
  .refine((params) => params.fast_period < params.slow_period, { message: 'must be smaller than slow_period', path: ['fast_period'] });

const bollinger = z.strictObject({
  indicator: z.literal('bollinger'),
  period: period(20),
  /** Band width in population standard deviations, as Bollinger defined them. */
  std_dev: z.number().min(0.5).max(5).default(2),
  interval,
  condition: z.enum(BAND_CONDITIONS),
});

/** task_params of an indicator_alert: one shape per indicator, so a field or condition that does not fit is refused by name. */
export const indicatorAlertParams = z.discriminatedUnion('indicator', [rsi, sma, ema, macd, bollinger], {
  error: (issue) => (issue.code === 'invalid_union' ? `must be one of ${INDICATORS.join(', ')}` : undefined),
});

export type IndicatorAlertParams = z.output<typeof indicatorAlertParams>;
