import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBinance, type FakeBinance } from '../helpers/fakeBinance.ts';
import { startTestPlatform, triggerAndWait, type TestPlatform } from '../helpers/platform.ts';

// A dca buy, then a position_monitor job through the API and the real trading worker: prices from a Binance-format server, orders on paper.
describe('position_monitor end to end', () => {
  let binance: FakeBinance;
  let platform: TestPlatform;

  beforeAll(async () => {
    binance = await startFakeBinance({ BTCUSDT: '50000' });
    platform = await startTestPlatform({ db: 'sqlite', queues: ['trading'], env: { MARKET_DATA_PROVIDER: 'binance', MARKET_DATA_BASE_URL: binance.url } });
  });

  afterAll(async () => {
    await platform?.close();
    await binance?.close();
  });

  const monitorJob = (botId: number, overrides: Record<string, unknown> = {}) =>
    platform.api('POST', '/jobs', {
      name: 'guard btc', job_type: 'position_monitor', target: '*', cron: '* * * * *', enabled: false, user_id: 1,
      task_params: { bot_id: botId, stop_loss_pct: '5', take_profit_pct: '10' },
      ...overrides,
    });

  it('marks the position a dca run opened, then sells it whole at its stop-loss: the bot shows the mark, then the closed books', async () => {
    const bot = await platform.api('POST', '/bots', { user_id: 1, name: 'guarded', strategy: 'dca', symbols: ['BTCUSDT'], budget: '1000', max_open_positions: 1, max_notional: '500', daily_loss_limit: '100' });
    const dca = await platform.api('POST', '/jobs', { name: 'dca', job_type: 'strategy_execution', target: 'BTCUSDT', cron: '0 0 1 1 *', user_id: 1, task_params: { bot_id: bot.body.id, strategy: 'dca', quote_amount: '100' } });
    expect((await triggerAndWait(platform, dca.body.id)).status).toBe('COMPLETED');
    const monitor = await monitorJob(bot.body.id);
    expect(monitor.status).toBe(201);
    expect(monitor.body).toMatchObject({ job_type: 'position_monitor', target: '*', task_params: { bot_id: bot.body.id, stop_loss_pct: '5', take_profit_pct: '10' } });

    binance.prices.set('BTCUSDT', '51000');
    const marked = await triggerAndWait(platform, monitor.body.id);
    expect(marked).toMatchObject({ status: 'COMPLETED', result: { positions: [{ symbol: 'BTCUSDT', quantity: '0.002', price: '51000', unrealized_pnl: '2' }], closes: [] } });
    expect((await platform.api('GET', `/bots/${bot.body.id}`)).body.open_positions).toEqual([expect.objectContaining({ last_price: '51000', unrealized_pnl: '2', marked_at: expect.any(String) })]);

    binance.prices.set('BTCUSDT', '47000');
    const closed = await triggerAndWait(platform, monitor.body.id);
    expect(closed).toMatchObject({ status: 'COMPLETED', result: { closes: [{ outcome: 'closed', trigger: 'stop_loss', level: '47500', quantity: '0.002', price: '47000', realized_pnl: '-6' }] } });
    const after = await platform.api('GET', `/bots/${bot.body.id}`);
    expect(after.body.open_positions).toEqual([]);
    const trades = await platform.api('GET', `/bots/${bot.body.id}/trades`);
    expect(trades.body.items.map((trade: { side: string; realized_pnl: string | null }) => [trade.side, trade.realized_pnl])).toEqual([['SELL', '-6'], ['BUY', null]]);
  });

  it.each([
    ['task_params.stop_loss_pct', { task_params: { bot_id: 0, stop_loss_pct: '100' } }],
    ['task_params.take_profit_pct', { task_params: { bot_id: 0, take_profit_pct: '-1' } }],
    ['task_params.trailing', { task_params: { bot_id: 0, trailing: true } }],
    ['target', { target: 'btc' }],
  ])('refuses bad input at %s with a 422 naming it, and makes no job', async (path, overrides) => {
    const bot = await platform.api('POST', '/bots', { user_id: 1, name: 'bad input', strategy: 'dca', symbols: ['BTCUSDT'], budget: '1000', max_open_positions: 1, max_notional: '500', daily_loss_limit: '100' });
    const body = JSON.parse(JSON.stringify(overrides).replace('"bot_id":0', `"bot_id":${bot.body.id}`)) as Record<string, unknown>;
    const jobsBefore = (await platform.api('GET', '/jobs?job_type=position_monitor')).body.items.length;
    const refused = await monitorJob(bot.body.id, body);
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((error: { path: string }) => error.path)).toContain(path);
    expect((await platform.api('GET', '/jobs?job_type=position_monitor')).body.items).toHaveLength(jobsBefore);
  });

  it("refuses a monitor of another user's bot, or of a symbol its bot does not trade", async () => {
    const bot = await platform.api('POST', '/bots', { user_id: 2, name: 'theirs', strategy: 'dca', symbols: ['BTCUSDT'], budget: '1000', max_open_positions: 1, max_notional: '500', daily_loss_limit: '100' });
    expect((await monitorJob(bot.body.id)).body.errors).toEqual([{ path: 'task_params.bot_id', message: `user 1 has no bot ${bot.body.id}` }]);
    const other = await monitorJob(bot.body.id, { user_id: 2, target: 'ETHUSDT' });
    expect(other.status).toBe(422);
    expect(other.body.errors).toEqual([{ path: 'target', message: expect.stringContaining('does not trade ETHUSDT') }]);
  });
});
