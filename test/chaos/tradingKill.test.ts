import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_API_KEY, FAKE_API_SECRET, startFakeExchange, type FakeExchange } from '../helpers/fakeExchange.ts';
import { keelSite, killGroups, startKeel, type KeelProcess } from '../helpers/keelProcess.ts';
import { eventually } from '../helpers/platform.ts';

// kill -9 of the trading worker while its order request is in flight: the restarted worker finds the order by client ID.
describe('strategy_execution under a worker kill', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'keel-chaos-trading-'));
  let keel: KeelProcess;
  let fake: FakeExchange;

  beforeAll(async () => {
    fake = await startFakeExchange({ BTCUSDT: 50_000 });
    const site = await keelSite(dataDir, { EXCHANGE_PROVIDER: 'binance', EXCHANGE_BASE_URL: fake.url, EXCHANGE_API_KEY: FAKE_API_KEY, EXCHANGE_API_SECRET: FAKE_API_SECRET });
    keel = startKeel(site);
    await keel.untilRunning();
  }, 120_000);

  afterAll(async () => {
    killGroups(keel?.allPids() ?? []);
    await fake?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('places exactly one order and completes the run', async () => {
    const bot = await keel.api('POST', '/bots', { user_id: 1, name: 'live dca', strategy: 'dca', symbols: ['BTCUSDT'], budget: '1000', max_open_positions: 1, max_notional: '500', daily_loss_limit: '100', dry_run: false });
    expect(bot.status).toBe(201);
    const job = await keel.api('POST', '/jobs', { name: 'live dca', job_type: 'strategy_execution', target: 'BTCUSDT', cron: '0 0 1 1 *', user_id: 1, task_params: { bot_id: bot.body.id, strategy: 'dca', quote_amount: '100' } });
    expect(job.status).toBe(201);
    // The exchange holds the request (then executes it): the worker dies meanwhile.
    fake.faults.push({ kind: 'hold', ms: 2_000 });
    const trigger = await keel.api('POST', `/jobs/${job.body.id}/trigger`);
    expect(trigger.status).toBe(202);
    await eventually(() => Promise.resolve(fake.orderRequests === 1 ? true : undefined), { timeoutMs: 60_000, intervalMs: 20 });
    const [worker] = keel.childPids('worker trading');
    process.kill(worker!, 'SIGKILL');

    const run = await eventually(async () => {
      const current = await keel.api('GET', `/runs/${trigger.body.run_id}`);
      return ['COMPLETED', 'FAILED'].includes(current.body?.status) ? current.body : undefined;
    }, { timeoutMs: 90_000 });
    expect(run.status, JSON.stringify(run.error)).toBe('COMPLETED');
    expect(fake.orders.size).toBe(1);
    expect(fake.orderRequests).toBe(1);
    expect(fake.orders.get(run.result.client_order_id)).toBeDefined();
    expect(keel.childPids('worker trading').length).toBeGreaterThanOrEqual(2);
  }, 150_000);
});
