import { describe, expect, it } from 'vitest';
import { JOB_TYPES } from '../../lib/jobTypes.ts';

const schema = JOB_TYPES.strategy_execution.taskParams;
const pathsOf = (params: Record<string, unknown>) => {
  const parsed = schema.safeParse(params);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('strategy_execution task_params', () => {
  it('takes the dca example as the issue writes it, side defaulting to BUY', () => {
    expect(schema.parse({ bot_id: 4, strategy: 'dca', side: 'BUY', quote_amount: '100' })).toEqual({ bot_id: 4, strategy: 'dca', side: 'BUY', quote_amount: '100' });
    expect(schema.parse({ bot_id: 4, strategy: 'dca', quote_amount: '0.5' })).toMatchObject({ side: 'BUY' });
  });

  it.each([
    [{ bot_id: 4, strategy: 'dca', quote_amount: '-5' }, 'quote_amount: must be positive'],
    [{ bot_id: 4, strategy: 'dca', quote_amount: '0' }, 'quote_amount: must be positive'],
    [{ bot_id: 4, strategy: 'dca', quote_amount: '1e9' }, 'quote_amount: must be a decimal string'],
    [{ bot_id: 4, strategy: 'dca', quote_amount: '1000000000.01' }, 'quote_amount: must be at most 1000000000'],
    [{ bot_id: -1, strategy: 'dca', quote_amount: '5' }, 'bot_id: '],
    [{ strategy: 'dca', quote_amount: '5' }, 'bot_id: '],
    [{ bot_id: 4, strategy: 'martingale', quote_amount: '5' }, 'strategy: '],
    [{ bot_id: 4, strategy: 'dca', side: 'SELL', quote_amount: '5' }, 'side: '],
    [{ bot_id: 4, strategy: 'dca', quote_amount: '5', leverage: 10 }, ': Unrecognized key'],
  ])('refuses %j naming the field', (params, expected) => {
    expect(pathsOf(params).join('\n')).toContain(expected);
  });
});
