import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JOB_TYPES } from '../../lib/jobTypes.ts';
import { exitAt, exitLevelsOf, unrealizedPnl } from '../../trading/exitTriggers.ts';

const position = (overrides: Partial<{ stop_loss: string | null; take_profit: string | null }> = {}) => ({ avg_entry_price: '50000', stop_loss: null, take_profit: null, ...overrides });

describe('position exits', () => {
  it("puts the job's percentages off the average entry price", () => {
    expect(exitLevelsOf(position(), { stop_loss_pct: '5', take_profit_pct: '10' })).toEqual({ stop_loss: '47500', take_profit: '55000' });
    expect(exitLevelsOf(position(), { stop_loss_pct: '0.5' })).toEqual({ stop_loss: '49750', take_profit: null });
    expect(exitLevelsOf(position(), {})).toEqual({ stop_loss: null, take_profit: null });
  });

  it("takes a position's own prices over the job's percentages", () => {
    expect(exitLevelsOf(position({ stop_loss: '49000', take_profit: '60000' }), { stop_loss_pct: '5', take_profit_pct: '10' })).toEqual({ stop_loss: '49000', take_profit: '60000' });
  });

  it.each([
    ['47500', { trigger: 'stop_loss', level: '47500' }],
    ['47499.99', { trigger: 'stop_loss', level: '47500' }],
    ['47500.0000000001', null],
    ['54999.9999999999', null],
    ['55000', { trigger: 'take_profit', level: '55000' }],
  ])('at %s exits with %j (levels inclusive)', (price, expected) => {
    expect(exitAt({ stop_loss: '47500', take_profit: '55000' }, price)).toEqual(expected);
  });

  it('never exits between its levels, always past them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), (cents) => {
        const price = (cents / 100).toFixed(2);
        const exit = exitAt({ stop_loss: '47500', take_profit: '55000' }, price);
        const expected = cents <= 4_750_000 ? 'stop_loss' : cents >= 5_500_000 ? 'take_profit' : null;
        expect(exit?.trigger ?? null).toBe(expected);
      }),
    );
  });

  it('measures unrealised pnl exactly, in decimals', () => {
    expect(unrealizedPnl({ quantity: '0.002', avg_entry_price: '50000' }, '51000')).toBe('2');
    expect(unrealizedPnl({ quantity: '0.1', avg_entry_price: '0.3' }, '0.1')).toBe('-0.02');
  });
});

describe('position_monitor task_params', () => {
  const schema = JOB_TYPES.position_monitor.taskParams;
  const issuesOf = (params: Record<string, unknown>) => {
    const parsed = schema.safeParse(params);
    return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  };

  it('takes a bot with either exit, both, or none (marking only)', () => {
    expect(schema.parse({ bot_id: 3, stop_loss_pct: '5', take_profit_pct: '12.5' })).toEqual({ bot_id: 3, stop_loss_pct: '5', take_profit_pct: '12.5' });
    expect(schema.parse({ bot_id: 3 })).toEqual({ bot_id: 3 });
  });

  it.each([
    [{ bot_id: 3, stop_loss_pct: '100' }, 'stop_loss_pct: must be below 100'],
    [{ bot_id: 3, stop_loss_pct: '0' }, 'stop_loss_pct: must be positive'],
    [{ bot_id: 3, take_profit_pct: '10000.1' }, 'take_profit_pct: must be at most 10000'],
    [{ bot_id: 3, take_profit_pct: 5 }, 'take_profit_pct: '],
    [{ bot_id: 3, stop_loss_pct: '5%' }, 'stop_loss_pct: must be a decimal string'],
    [{ stop_loss_pct: '5' }, 'bot_id: '],
    [{ bot_id: 3, trailing: true }, ': Unrecognized key'],
  ])('refuses %j naming the field', (params, expected) => {
    expect(issuesOf(params).join('\n')).toContain(expected);
  });

  it('targets one symbol or * for all', () => {
    const target = JOB_TYPES.position_monitor.target;
    expect(target.safeParse('*').success).toBe(true);
    expect(target.safeParse('ETHUSDT').success).toBe(true);
    expect(target.safeParse('all').success).toBe(false);
  });
});
