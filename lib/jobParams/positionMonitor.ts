import { z } from 'zod';
import { compare, isDecimalText } from '../decimal.ts';

/** A percentage of the entry price as a decimal string, above 0 and below (or at) `max`. */
const percent = (max: string, inclusive: boolean) =>
  z
    .string()
    .refine(isDecimalText, 'must be a decimal string such as "5"')
    .refine((pct) => isDecimalText(pct) && compare(pct, '0') > 0, 'must be positive')
    .refine((pct) => isDecimalText(pct) && compare(pct, max) < (inclusive ? 1 : 0), `must be ${inclusive ? 'at most' : 'below'} ${max}`);

/**
 * task_params of position_monitor: the bot whose open positions are marked to market, and the exits in percent of each
 * position's average entry price (a position's own stop_loss / take_profit prices win). With neither, it only marks.
 */
export const positionMonitorParams = z.strictObject({
  bot_id: z.number().int().positive(),
  // 100 % would put the stop at a price of zero, which never comes.
  stop_loss_pct: percent('100', false).optional(),
  take_profit_pct: percent('10000', true).optional(),
});

export type PositionMonitorParams = z.output<typeof positionMonitorParams>;
