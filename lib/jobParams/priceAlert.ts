import { z } from 'zod';
import { CANDLE_INTERVALS } from './candleIntervals.ts';

/** `above`/`below` read the price; the crosses compare it with the previous run's; `change_pct` reads the move over the `timeframe` candle. */
export const PRICE_CONDITIONS = ['above', 'below', 'crosses_above', 'crosses_below', 'change_pct'] as const;
export type PriceCondition = (typeof PRICE_CONDITIONS)[number];

/** every_time: fire on every run the condition holds; once: fire once, then disable the job; rearm: fire again only after the price went back across. */
export const PRICE_ALERT_MODES = ['every_time', 'once', 'rearm'] as const;
export type PriceAlertMode = (typeof PRICE_ALERT_MODES)[number];

/** A move of more than this many percent within one candle is no condition anyone could mean. */
const MAX_CHANGE_PCT = 1_000;

function valueIsNumber(payload: { value: unknown }): boolean {
  return Number.isFinite((payload.value as { value?: unknown } | null)?.value);
}

/** task_params of a price_alert: the seed's `{condition, value, timeframe}`, plus `mode`. */
export const priceAlertParams = z
  .strictObject({
    condition: z.enum(PRICE_CONDITIONS),
    /** A price for the level conditions; for `change_pct` a signed percentage (5: up 5 % or more, -5: down 5 % or more). */
    value: z.number().finite(),
    /** The candle interval the condition is read on (the seed's examples send it); `change_pct` measures the move within its latest candle. */
    timeframe: z.enum(CANDLE_INTERVALS).default('1m'),
    mode: z.enum(PRICE_ALERT_MODES).default('every_time'),
  })
  // Checked even when another field failed (an unknown condition is read as a level one), so every bad field is named at once.
  .refine((params) => params.condition === 'change_pct' || params.value > 0, { path: ['value'], message: 'must be a price above 0', when: valueIsNumber })
  .refine((params) => params.condition !== 'change_pct' || (params.value !== 0 && Math.abs(params.value) <= MAX_CHANGE_PCT), {
    path: ['value'],
    message: `must be a non-zero percentage between -${MAX_CHANGE_PCT} and ${MAX_CHANGE_PCT} for change_pct`,
    when: valueIsNumber,
  });

export type PriceAlertParams = z.output<typeof priceAlertParams>;
