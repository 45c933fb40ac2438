import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotInstance } from '../../db/entities/index.ts';
import { inTransaction } from '../../db/orm.ts';
import { reserveBudget } from '../../db/services/budget.ts';
import { recordTrade } from '../../db/services/trades.ts';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

const newBot = { user_id: 42, name: 'dca btc', symbols: ['BTCUSDT'], budget: '1000.50', max_open_positions: 2, max_notional: '250', daily_loss_limit: '75.5' };

describe('the bots API', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ db: 'sqlite' });
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('creates a bot in dry run, shows it with what is reserved and its open positions, and changes it', async () => {
    const created = await platform.api('POST', '/bots', newBot);
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/bots/${created.body.id}`);
    expect(created.body).toMatchObject({ ...newBot, budget: '1000.5', strategy: 'dca', dry_run: true, status: 'running', reserved: '0', open_positions: [] });

    const id = created.body.id as number;
    await reserveBudget(platform.orm, id, '100', 'e2e-reserve');
    await recordTrade(platform.orm, { bot_id: id, symbol: 'BTCUSDT', side: 'BUY', quantity: '0.001', price: '60000', fee: '0.06', client_order_id: 'e2e-1', executed_at: new Date() });
    const shown = await platform.api('GET', `/bots/${id}`);
    expect(shown.body).toMatchObject({ reserved: '100', available: '900.5', open_positions: [{ symbol: 'BTCUSDT', quantity: '0.001', avg_entry_price: '60060', status: 'open' }] });

    const patched = await platform.api('PATCH', `/bots/${id}`, { status: 'paused', max_notional: '300.0' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ status: 'paused', max_notional: '300', reserved: '100' });

    const trades = await platform.api('GET', `/bots/${id}/trades`);
    expect(trades.body).toMatchObject({ items: [{ client_order_id: 'e2e-1', price: '60000', fee: '0.06' }], next_cursor: null });
    const performance = await platform.api('GET', `/bots/${id}/performance`);
    expect(performance.body).toMatchObject({ bot_id: id, trades: 1, pnl: '0' });

    const { body: page } = await platform.api('GET', '/bots?user_id=42&limit=1');
    expect(page).toMatchObject({ items: [{ id }] });
    expect(await platform.api('GET', '/bots/999999')).toMatchObject({ status: 404 });
  });

  it('creates a live bot only when dry_run false is sent', async () => {
    const created = await platform.api('POST', '/bots', { ...newBot, user_id: 43, dry_run: false });
    expect(created.body.dry_run).toBe(false);
  });

  it('refuses money that is not an exact, positive, sane decimal string, naming the field, and writes nothing', async () => {
    const before = await inTransaction(platform.orm, (em) => em.count(BotInstance));
    for (const [field, value] of [
      ['budget', 100.5],
      ['budget', '1e3'],
      ['budget', '-5'],
      ['budget', '0'],
      ['max_notional', '0.00000000001'],
      ['daily_loss_limit', '1000000000000.1'],
      ['budget', 'NaN'],
    ] as const) {
      const response = await platform.api('POST', '/bots', { ...newBot, [field]: value });
      expect(response.status, `${field}=${value}`).toBe(422);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.body.errors.map((error: { path: string }) => error.path)).toEqual([field]);
    }
    const bad = await platform.api('POST', '/bots', { ...newBot, symbols: ['btc usdt'], max_open_positions: 0, surprise: 1 });
    expect(bad.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['max_open_positions', 'surprise', 'symbols.0']);
    const created = await platform.api('POST', '/bots', { ...newBot, user_id: 44 });
    const lowered = await platform.api('PATCH', `/bots/${created.body.id}`, { budget: 'ten' });
    expect(lowered.body.errors).toEqual([{ path: 'budget', message: expect.stringContaining('decimal string') }]);
    expect(await inTransaction(platform.orm, (em) => em.count(BotInstance))).toBe(before + 1);
  });
});
