import { z } from 'zod';
import { compare, isDecimalText } from '../decimal.ts';
import { INDICATORS, indicatorAlertParams } from './indicatorAlert.ts';

/** Most quote currency one fire may spend: past this an amount is a typo, not a strategy. */
export const MAX_QUOTE_AMOUNT = '1000000000';

const quoteAmount = z
  .string()
  .refine(isDecimalText, 'must be a decimal string such as "100"')
  .refine((amount) => isDecimalText(amount) && compare(amount, '0') > 0, 'must be positive')
  .refine((amount) => isDecimalText(amount) && compare(amount, MAX_QUOTE_AMOUNT) <= 0, `must be at most ${MAX_QUOTE_AMOUNT}`);

/** `dca`: buy `quote_amount` of quote currency at market on every fire (the job's target is the symbol). */
const dca = z.strictObject({
  bot_id: z.number().int().positive(),
  strategy: z.literal('dca'),
  side: z.literal('BUY').default('BUY'),
  quote_amount: quoteAmount,
});

/** What a signal strategy trades when its condition holds: buys quote_amount, or sells that much of the open position (never more than it holds). */
const signalOrder = {
  bot_id: z.number().int().positive(),
  strategy: z.literal('signal'),
  side: z.enum(['BUY', 'SELL'], { error: 'must be BUY or SELL' }).default('BUY'),
  quote_amount: quoteAmount,
};

const [rsi, sma, ema, macd, bollinger] = indicatorAlertParams.options;

/** `signal`: the dca order, placed only on fires where the indicator condition holds; its fields are the indicator alert's, so users learn one vocabulary. */
const signal = z.discriminatedUnion(
  'indicator',
  // safeExtend keeps each indicator's own refinements (macd's fast_period < slow_period).
  [rsi.safeExtend(signalOrder), sma.safeExtend(signalOrder), ema.safeExtend(signalOrder), macd.safeExtend(signalOrder), bollinger.safeExtend(signalOrder)],
  { error: (issue) => (issue.code === 'invalid_union' ? `must be one of ${INDICATORS.join(', ')}` : undefined) },
);

/** task_params of strategy_execution, one shape per strategy, so a field that does not fit is refused by name. */
export const strategyExecutionParams = z.discriminatedUnion('strategy', [dca, signal]);

export type StrategyExecutionParams = z.output<typeof strategyExecutionParams>;
export type SignalStrategyParams = Extract<StrategyExecutionParams, { strategy: 'signal' }>;
