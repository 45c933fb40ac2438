import { z } from 'zod';
import { CANDLE_INTERVALS } from './candleIntervals.ts';

export const PRICE_CONDITIONS = ['above', 'below'] as const;
export type PriceCondition = (typeof PRICE_CONDITIONS)[number];

/** task_params of a price_alert: the seed's `{condition, value, timeframe}`. */
export const priceAlertParams = z.strictObject({
  condition: z.enum(PRICE_CONDITIONS),
  value: z.number().positive().finite(),
  /** The candle interval the condition is read on (the seed's examples send it). */
  timeframe: z.enum(CANDLE_INTERVALS).default('1m'),
});

export type PriceAlertParams = z.output<typeof priceAlertParams>;
