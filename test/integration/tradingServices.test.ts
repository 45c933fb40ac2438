import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initORM, migrate, type Orm } from '../../db/orm.ts';
import { createBot, getBot, listBots, openPositions, updateBot, type NewBot } from '../../db/services/bots.ts';
import { consumeReservation, releaseReservation, reserveBudget } from '../../db/services/budget.ts';
import { dailyPerformance, listTrades, performanceBetween, recordTrade, type NewTrade } from '../../db/services/trades.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/databases.ts';

const newBot = (overrides: Partial<NewBot> = {}): NewBot => ({
  user_id: 7,
  name: 'dca btc',
  strategy: 'dca',
  symbols: ['BTCUSDT'],
  budget: '1000',
  max_open_positions: 3,
  max_notional: '500',
  daily_loss_limit: '50',
  dry_run: true,
  ...overrides,
});

const at = new Date('2026-03-01T10:00:00Z');
const fill = (bot_id: number, client_order_id: string, overrides: Partial<NewTrade> = {}): NewTrade => ({
  bot_id,
  symbol: 'BTCUSDT',
  side: 'BUY',
  quantity: '0.1',
  price: '60000',
  fee: '0',
  client_order_id,
  executed_at: at,
  ...overrides,
});

describe.each(DATABASE_KINDS)('trading services on %s', (kind) => {
  let database: TestDatabase;
  let orm: Orm;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    orm = await initORM({ url: database.url });
    await migrate(orm);
  });

  afterAll(async () => {
    await orm?.close();
    await database?.drop();
  });

  it('keeps amounts exact at the edge of numeric(30,10), in canonical form', async () => {
    const bot = await createBot(orm, newBot({ budget: '99999999999999999999.9999999999', max_notional: '0.0000000001', daily_loss_limit: '50.50' }));
    expect(bot).toMatchObject({ budget: '99999999999999999999.9999999999', reserved: '0', max_notional: '0.0000000001', daily_loss_limit: '50.5', dry_run: true, status: 'running' });
    const loaded = await getBot(orm, bot.id);
    expect(loaded).toMatchObject({ budget: '99999999999999999999.9999999999', max_notional: '0.0000000001', daily_loss_limit: '50.5', open_positions: [] });
  });

  it('lists bots by owner and pages them; updates a bot but not its budget below what is reserved', async () => {
    const ids = [];
    for (const name of ['a', 'b', 'c']) ids.push((await createBot(orm, newBot({ user_id: 70, name }))).id);
    const first = await listBots(orm, { user_id: 70, limit: 2 });
    expect(first.items.map((bot) => bot.name)).toEqual(['a', 'b']);
    const rest = await listBots(orm, { user_id: 70, limit: 2, cursor: ids[1] });
    expect(rest).toMatchObject({ items: [{ name: 'c' }], next_cursor: null });

    await reserveBudget(orm, ids[0]!, '400', 'update-test');
    expect(await updateBot(orm, ids[0]!, { status: 'paused', budget: '400' })).toMatchObject({ status: 'paused', budget: '400', reserved: '400', available: '0' });
    await expect(updateBot(orm, ids[0]!, { budget: '399.9999999999' })).rejects.toMatchObject({ errors: [{ path: 'budget' }] });
    expect(await updateBot(orm, 999_999, { name: 'x' })).toBeNull();
  });

  it('reserves budget once per key, refuses what is over it, and releases idempotently', async () => {
    const bot = await createBot(orm, newBot({ budget: '100' }));
    const first = await reserveBudget(orm, bot.id, '60.5', 'run-1:reserve');
    expect(await reserveBudget(orm, bot.id, '60.5', 'run-1:reserve')).toEqual(first);
    expect((await getBot(orm, bot.id))!.reserved).toBe('60.5');

    await expect(reserveBudget(orm, bot.id, '39.5000000001', 'run-2:reserve')).rejects.toMatchObject({ type: 'BudgetExceeded' });
    await expect(reserveBudget(orm, bot.id, '1', 'run-1:reserve')).rejects.toMatchObject({ type: 'Conflict' });
    expect((await getBot(orm, bot.id))!.reserved).toBe('60.5');

    expect(await releaseReservation(orm, 'run-1:reserve')).toMatchObject({ status: 'released' });
    expect(await releaseReservation(orm, 'run-1:reserve')).toMatchObject({ status: 'released' });
    expect(await releaseReservation(orm, 'never-reserved')).toBeNull();
    expect(await getBot(orm, bot.id)).toMatchObject({ reserved: '0', budget: '100' });

    await reserveBudget(orm, bot.id, '30', 'run-3:reserve');
    expect(await consumeReservation(orm, 'run-3:reserve')).toMatchObject({ status: 'consumed' });
    expect(await releaseReservation(orm, 'run-3:reserve')).toMatchObject({ status: 'consumed' });
    expect(await getBot(orm, bot.id)).toMatchObject({ reserved: '0', budget: '70' });
  });

  it('never reserves past the budget when reservations race', async () => {
    const bot = await createBot(orm, newBot({ budget: '1000' }));
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, n) => reserveBudget(orm, bot.id, '150', `race-${n}`)));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(6);
    expect(results.filter((result) => result.status === 'rejected').map((result) => (result).reason.type)).toEqual(Array(4).fill('BudgetExceeded'));
    expect((await getBot(orm, bot.id))!.reserved).toBe('900');
  });

  it('records fills into positions and daily performance exactly, once per client order ID', async () => {
    const bot = await createBot(orm, newBot());
    await recordTrade(orm, fill(bot.id, 'c-1', { quantity: '0.1', price: '60000', fee: '0.6' }));
    await recordTrade(orm, fill(bot.id, 'c-2', { quantity: '0.2', price: '57000', fee: '1.14' }));
    const replayed = await recordTrade(orm, fill(bot.id, 'c-2', { quantity: '0.2', price: '57000', fee: '1.14' }));
    expect(replayed).toMatchObject({ client_order_id: 'c-2', quantity: '0.2', realized_pnl: null });

    // (6000 + 0.6 + 11400 + 1.14) / 0.3 = 58005.8
    expect(await openPositions(orm, bot.id)).toMatchObject([{ symbol: 'BTCUSDT', quantity: '0.3', avg_entry_price: '58005.8', status: 'open' }]);

    const win = await recordTrade(orm, fill(bot.id, 'c-3', { side: 'SELL', quantity: '0.1', price: '59000', fee: '0.59', executed_at: new Date('2026-03-01T11:00:00Z') }));
    expect(win.realized_pnl).toBe('98.83'); // 0.1 × (59000 − 58005.8) − 0.59
    const loss = await recordTrade(orm, fill(bot.id, 'c-4', { side: 'SELL', quantity: '0.2', price: '57000', fee: '0', executed_at: new Date('2026-03-01T12:00:00Z') }));
    expect(loss.realized_pnl).toBe('-201.16');
    expect(await openPositions(orm, bot.id)).toEqual([]);

    expect(await dailyPerformance(orm, bot.id, '2026-03-01')).toEqual({
      bot_id: bot.id,
      day: '2026-03-01',
      pnl: '-102.33',
      trades: 4,
      closing_trades: 2,
      wins: 1,
      win_rate: '0.5',
      max_drawdown: '201.16',
    });
    expect(await dailyPerformance(orm, bot.id, '2026-03-02')).toMatchObject({ pnl: '0', trades: 0, win_rate: '0' });
    expect((await performanceBetween(orm, bot.id, '2026-02-01', '2026-03-31')).map((day) => day.day)).toEqual(['2026-03-01']);

    const page = await listTrades(orm, bot.id, { limit: 3 });
    expect(page.items.map((trade) => trade.client_order_id)).toEqual(['c-4', 'c-3', 'c-2']);
    // Read as rows, a trade is what recording it answered: canonical amounts, the bot's id, a Date.
    expect(page.items[1]).toEqual(win);
    expect(page.items[1]!.executed_at).toBeInstanceOf(Date);
    const rest = await listTrades(orm, bot.id, { limit: 3, cursor: page.items[2]!.id });
    expect(rest).toMatchObject({ items: [{ client_order_id: 'c-1' }], next_cursor: null });
  });

  it('gives the proceeds of a sale back to the budget once, and of a refused sale nothing', async () => {
    const bot = await createBot(orm, newBot({ budget: '1000' }));
    await reserveBudget(orm, bot.id, '100', 'buy-1');
    await consumeReservation(orm, 'buy-1');
    await recordTrade(orm, fill(bot.id, 'p-1', { quantity: '0.002', price: '50000', fee: '0.1' }));
    expect(await getBot(orm, bot.id)).toMatchObject({ budget: '900', reserved: '0' });
    const sale = fill(bot.id, 'p-2', { side: 'SELL', quantity: '0.002', price: '55000', fee: '0.11' });
    await recordTrade(orm, sale);
    await recordTrade(orm, sale);
    // 900 + 0.002 × 55000 − 0.11
    expect(await getBot(orm, bot.id)).toMatchObject({ budget: '1009.89', available: '1009.89' });
    await expect(recordTrade(orm, fill(bot.id, 'p-3', { side: 'SELL', quantity: '0.001' }))).rejects.toMatchObject({ type: 'InsufficientPosition' });
    expect(await getBot(orm, bot.id)).toMatchObject({ budget: '1009.89' });
  });

  it('refuses a sell of more than is held, writing nothing', async () => {
    const bot = await createBot(orm, newBot());
    await recordTrade(orm, fill(bot.id, 'o-1', { quantity: '1' }));
    await expect(recordTrade(orm, fill(bot.id, 'o-2', { side: 'SELL', quantity: '1.0000000001' }))).rejects.toMatchObject({ type: 'InsufficientPosition' });
    await expect(recordTrade(orm, fill(bot.id, 'o-3', { quantity: '-1' }))).rejects.toMatchObject({ type: 'InvalidTrade' });
    expect((await listTrades(orm, bot.id, { limit: 10 })).items.map((trade) => trade.client_order_id)).toEqual(['o-1']);
    expect(await dailyPerformance(orm, bot.id, '2026-03-01')).toMatchObject({ trades: 1 });
    expect(await openPositions(orm, bot.id)).toMatchObject([{ quantity: '1' }]);
  });
});
