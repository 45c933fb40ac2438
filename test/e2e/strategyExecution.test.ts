import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, triggerAndWait, type TestPlatform } from '../helpers/platform.ts';

// A dca job through the API and the real trading worker (paper exchange, simulated market data).
describe('strategy_execution end to end', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ db: 'sqlite', queues: ['trading'] });
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('buys quote_amount of the target on a manual trigger: the run completes, the trade and the bot show it', async () => {
    const bot = await platform.api('POST', '/bots', { user_id: 1, name: 'dca', strategy: 'dca', symbols: ['BTCUSDT'], budget: '1000', max_open_positions: 1, max_notional: '500', daily_loss_limit: '100' });
    expect(bot.status).toBe(201);
    expect(bot.body.dry_run).toBe(true);
    const job = await platform.api('POST', '/jobs', {
      name: 'dca btc', job_type: 'strategy_execution', target: 'BTCUSDT', cron: '0 0 1 1 *', user_id: 1,
      task_params: { bot_id: bot.body.id, strategy: 'dca', side: 'BUY', quote_amount: '100' },
    });
    expect(job.status).toBe(201);
    const run = await triggerAndWait(platform, job.body.id);
    expect(run).toMatchObject({ status: 'COMPLETED', result: { client_order_id: expect.stringMatching(/^kh-/) } });
    const trades = await platform.api('GET', `/bots/${bot.body.id}/trades`);
    expect(trades.body.items).toHaveLength(1);
    expect(trades.body.items[0]).toMatchObject({ side: 'BUY', status: 'FILLED', client_order_id: run.result.client_order_id });
    const after = await platform.api('GET', `/bots/${bot.body.id}`);
    expect(after.body).toMatchObject({ reserved: '0', open_positions: [{ symbol: 'BTCUSDT' }] });
  });

  it('refuses a PATCH that points the job at a symbol its bot does not trade, and keeps the job as it was', async () => {
    const bot = await platform.api('POST', '/bots', { user_id: 1, name: 'btc only', strategy: 'dca', symbols: ['BTCUSDT'], budget: '1000', max_open_positions: 1, max_notional: '500', daily_loss_limit: '100' });
    const job = await platform.api('POST', '/jobs', { name: 'dca', job_type: 'strategy_execution', target: 'BTCUSDT', cron: '0 0 1 1 *', user_id: 1, task_params: { bot_id: bot.body.id, strategy: 'dca', quote_amount: '100' } });
    expect(job.status).toBe(201);
    const patched = await platform.api('PATCH', `/jobs/${job.body.id}`, { target: 'ETHUSDT' });
    expect(patched.status).toBe(422);
    expect(patched.body.errors).toEqual([{ path: 'target', message: expect.stringContaining('does not trade ETHUSDT') }]);
    expect((await platform.api('GET', `/jobs/${job.body.id}`)).body).toMatchObject({ target: 'BTCUSDT' });
  });
});
