import { describe, expect, it } from 'vitest';
import { JOB_TYPES } from '../../lib/jobTypes.ts';

const schema = JOB_TYPES.strategy_execution.taskParams;
const signal = { bot_id: 4, strategy: 'signal', quote_amount: '100', indicator: 'rsi', condition: 'below', value: 30 };
const pathsOf = (params: Record<string, unknown>) => {
  const parsed = schema.safeParse(params);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('strategy_execution task_params, signal strategy', () => {
  it('takes an RSI signal with the indicator alert defaults (period 14, interval 1h, side BUY)', () => {
    expect(schema.parse(signal)).toEqual({ ...signal, side: 'BUY', period: 14, interval: '1h' });
  });

  it('takes every indicator the indicator alert takes, with its own fields', () => {
    expect(schema.safeParse({ ...signal, indicator: 'sma', period: 50, value: 30000, condition: 'crosses_above' }).success).toBe(true);
    expect(schema.safeParse({ ...signal, indicator: 'macd', line: 'histogram', condition: 'crosses_above', value: 0 }).success).toBe(true);
    expect(schema.safeParse({ bot_id: 4, strategy: 'signal', quote_amount: '100', indicator: 'bollinger', condition: 'price_below_lower' }).success).toBe(true);
  });

  it.each([
    [{ ...signal, period: 1 }, 'period: '],
    [{ ...signal, value: 130 }, 'value: '],
    [{ ...signal, interval: '7m' }, 'interval: '],
    [{ ...signal, condition: 'sideways' }, 'condition: '],
    [{ ...signal, indicator: 'vwap' }, 'indicator: must be one of rsi, sma, ema, macd, bollinger'],
    [{ ...signal, side: 'SHORT' }, 'side: must be BUY or SELL'],
    [{ ...signal, quote_amount: '0' }, 'quote_amount: must be positive'],
    [{ ...signal, bot_id: 0 }, 'bot_id: '],
    [{ ...signal, std_dev: 2 }, ': Unrecognized key'],
    [{ ...signal, indicator: 'macd', fast_period: 30 }, 'fast_period: must be smaller than slow_period'],
    [{ bot_id: 4, strategy: 'dca', quote_amount: '5', indicator: 'rsi' }, ': Unrecognized key'],
  ])('refuses %j naming the field', (params, expected) => {
    expect(pathsOf(params).join('\n')).toContain(expected);
  });
});
