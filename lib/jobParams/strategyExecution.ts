import { z } from 'zod';
import { compare, isDecimalText } from '../decimal.ts';

/** Most quote currency one fire may spend: past this an amount is a typo, not a strategy. */
export const MAX_QUOTE_AMOUNT = '1000000000';

const quoteAmount = z
  .string()
  .refine(isDecimalText, 'must be a decimal string such as "100"')
  .refine((amount) => isDecimalText(amount) && compare(amount, '0') > 0, 'must be positive')
  .refine((amount) => isDecimalText(amount) && compare(amount, MAX_QUOTE_AMOUNT) <= 0, `must be at most ${MAX_QUOTE_AMOUNT}`);

/** task_params of strategy_execution. `dca`: buy `quote_amount` of quote currency at market on every fire (the job's target is the symbol). */
export const strategyExecutionParams = z.strictObject({
  bot_id: z.number().int().positive(),
  strategy: z.literal('dca'),
  side: z.literal('BUY').default('BUY'),
  quote_amount: quoteAmount,
});

export type StrategyExecutionParams = z.output<typeof strategyExecutionParams>;
