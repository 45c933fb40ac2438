import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetReservation, Notification, PaperOrder } from '../../db/entities/index.ts';
import { inTransaction } from '../../db/orm.ts';
import { subtract } from '../../lib/decimal.ts';
import { binanceKlines, startFakeBinance, type FakeBinance } from '../helpers/fakeBinance.ts';
import { FAKE_API_KEY, FAKE_API_SECRET, startFakeExchange, type FakeExchange } from '../helpers/fakeExchange.ts';
import { startTestPlatform, triggerAndWait, type TestPlatform } from '../helpers/platform.ts';

// StockCharts' RSI example closes: Wilder's RSI 14 ends 37.79 on them (pinned in test/unit/indicators.test.ts).
const CLOSES = [
  44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.1, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61, 46.28, 46.28, 46.0, 46.03, 46.41, 46.22, 45.64, 46.21, 46.25, 45.71,
  46.45, 45.78, 45.35, 44.03, 44.18, 44.22, 44.57, 43.42, 42.66, 43.13,
];

// A signal job through the API and the real trading worker: klines and the fill price come from a Binance-format server,
// the order from the paper exchange, or for a live bot from a Binance-format exchange of the test's own.
describe('strategy_execution, signal strategy, end to end', () => {
  let binance: FakeBinance;
  let exchange: FakeExchange;
  let platform: TestPlatform;

  beforeAll(async () => {
    binance = await startFakeBinance({ BTCUSDT: '43.5' }, { BTCUSDT: binanceKlines(CLOSES, { openClose: 43.5 }) });
    exchange = await startFakeExchange({ BTCUSDT: 43.5 });
    platform = await startTestPlatform({
      db: 'sqlite',
      queues: ['trading'],
      env: { MARKET_DATA_PROVIDER: 'binance', MARKET_DATA_BASE_URL: binance.url, EXCHANGE_PROVIDER: 'binance', EXCHANGE_BASE_URL: exchange.url, EXCHANGE_API_KEY: FAKE_API_KEY, EXCHANGE_API_SECRET: FAKE_API_SECRET },
    });
  });

  afterAll(async () => {
    await platform?.close();
    await exchange?.close();
    await binance?.close();
  });

  const signalJob = async (value: number, bot_fields: Record<string, unknown> = {}) => {
    const bot = await platform.api('POST', '/bots', { user_id: 1, name: `rsi ${value}`, strategy: 'signal', symbols: ['BTCUSDT'], budget: '1000', max_open_positions: 1, max_notional: '500', daily_loss_limit: '100', ...bot_fields });
    expect(bot.status).toBe(201);
    const job = await platform.api('POST', '/jobs', {
      name: `rsi below ${value}`, job_type: 'strategy_execution', target: 'BTCUSDT', cron: '0 0 1 1 *', user_id: 1,
      task_params: { bot_id: bot.body.id, strategy: 'signal', side: 'BUY', quote_amount: '100', indicator: 'rsi', period: 14, interval: '1h', condition: 'below', value },
    });
    expect(job.status).toBe(201);
    return { botId: bot.body.id as number, jobId: job.body.id as number };
  };

  // Bots trade on paper (dry_run): the paper exchange's book holds every order placed.
  const paperOrders = () => inTransaction(platform.orm, (em) => em.count(PaperOrder, {}));
  const booksOf = (botId: number, jobId: number) =>
    inTransaction(platform.orm, async (em) => ({
      reservations: await em.count(BudgetReservation, { bot: botId }),
      notifications: await em.count(Notification, { job_id: jobId }),
    }));

  it('completes with signal false when the condition does not hold: nothing reserved, ordered, traded or notified', async () => {
    const { botId, jobId } = await signalJob(30);
    const paperBefore = await paperOrders();
    const run = await triggerAndWait(platform, jobId);
    expect(run).toMatchObject({ status: 'COMPLETED', result: { signal: false } });
    expect(run.result.indicator_value).toBeCloseTo(37.79, 2);
    expect(binance.requests).toContain('/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=73');
    expect(await booksOf(botId, jobId)).toEqual({ reservations: 0, notifications: 0 });
    expect(await paperOrders()).toBe(paperBefore);
    expect((await platform.api('GET', `/bots/${botId}/trades`)).body.items).toEqual([]);
  });

  it('buys quote_amount when the condition holds: one order, the trade recorded, the run completed', async () => {
    const { botId, jobId } = await signalJob(40);
    const paperBefore = await paperOrders();
    const run = await triggerAndWait(platform, jobId);
    expect(run).toMatchObject({ status: 'COMPLETED', result: { signal: true, client_order_id: expect.stringMatching(/^kh-/) } });
    // Filled at the Binance-format server's price (the paper exchange rounds the quantity, so the average is not exact).
    expect(Number(run.result.price)).toBeCloseTo(43.5, 6);
    expect(run.result.indicator_value).toBeCloseTo(37.79, 2);
    expect(await booksOf(botId, jobId)).toEqual({ reservations: 1, notifications: 1 });
    expect(await paperOrders()).toBe(paperBefore + 1);
    expect(await inTransaction(platform.orm, (em) => em.count(PaperOrder, { client_order_id: run.result.client_order_id }))).toBe(1);
    const trades = await platform.api('GET', `/bots/${botId}/trades`);
    expect(trades.body.items).toHaveLength(1);
    expect(trades.body.items[0]).toMatchObject({ side: 'BUY', status: 'FILLED', client_order_id: run.result.client_order_id });
    expect((await platform.api('GET', `/bots/${botId}`)).body).toMatchObject({ reserved: '0', open_positions: [{ symbol: 'BTCUSDT' }] });
  });

  it('sells quote_amount worth of the open position when the condition holds, never more than it holds; with none, fails and places nothing', async () => {
    const { botId, jobId: buyJob } = await signalJob(40);
    expect((await triggerAndWait(platform, buyJob)).status).toBe('COMPLETED');
    const [held] = (await platform.api('GET', `/bots/${botId}`)).body.open_positions as { quantity: string }[];
    const sellJob = async (quote_amount: string) => {
      const job = await platform.api('POST', '/jobs', {
        name: `rsi sell ${quote_amount}`, job_type: 'strategy_execution', target: 'BTCUSDT', cron: '0 0 1 1 *', user_id: 1,
        task_params: { bot_id: botId, strategy: 'signal', side: 'SELL', quote_amount, indicator: 'rsi', period: 14, interval: '1h', condition: 'below', value: 40 },
      });
      expect(job.status).toBe(201);
      return triggerAndWait(platform, job.body.id);
    };
    // 43.5 of quote at 43.5: one unit of the position, the rest stays open.
    const partial = await sellJob('43.5');
    expect(partial).toMatchObject({ status: 'COMPLETED', result: { signal: true, quantity: '1' } });
    expect((await platform.api('GET', `/bots/${botId}`)).body.open_positions).toEqual([expect.objectContaining({ quantity: subtract(held!.quantity, '1') })]);
    // More than it holds: it sells what it holds, and the position closes.
    const rest = await sellJob('400');
    expect(rest).toMatchObject({ status: 'COMPLETED', result: { quantity: subtract(held!.quantity, '1') } });
    expect((await platform.api('GET', `/bots/${botId}`)).body).toMatchObject({ open_positions: [], reserved: '0' });
    const trades = (await platform.api('GET', `/bots/${botId}/trades`)).body.items as { side: string; realized_pnl: string | null }[];
    expect(trades.map((trade) => trade.side)).toEqual(['SELL', 'SELL', 'BUY']);
    // Nothing left to sell: the risk check refuses, and no order is placed.
    const paperBefore = await paperOrders();
    const none = await sellJob('10');
    expect(none).toMatchObject({ status: 'FAILED', error: { type: 'NoPosition' } });
    expect(await paperOrders()).toBe(paperBefore);
  });

  it("a live bot's sale is rounded down to the exchange's lot step (exchangeInfo's LOT_SIZE), and one under the minimum lot is refused before any order", async () => {
    const { botId, jobId: buyJob } = await signalJob(40, { dry_run: false });
    const bought = await triggerAndWait(platform, buyJob);
    // 100 of quote at 43.5 is 2.2988505747 BTCUSDT: the exchange fills the whole lots of 0.00001 in it.
    expect(bought).toMatchObject({ status: 'COMPLETED', result: { quantity: '2.29885' } });
    const sellJob = async (quote_amount: string) => {
      const job = await platform.api('POST', '/jobs', {
        name: `live sell ${quote_amount}`, job_type: 'strategy_execution', target: 'BTCUSDT', cron: '0 0 1 1 *', user_id: 1,
        task_params: { bot_id: botId, strategy: 'signal', side: 'SELL', quote_amount, indicator: 'rsi', period: 14, interval: '1h', condition: 'below', value: 40 },
      });
      return triggerAndWait(platform, job.body.id);
    };
    // 33 at 43.5 is 0.7586206897: the exchange refuses that (-1013 LOT_SIZE), so 0.75862 is sent.
    const sold = await sellJob('33');
    expect(sold).toMatchObject({ status: 'COMPLETED', result: { quantity: '0.75862' } });
    expect(exchange.orders.get(sold.result.client_order_id)).toMatchObject({ side: 'SELL', executedQty: '0.75862000' });
    expect((await platform.api('GET', `/bots/${botId}`)).body.open_positions).toEqual([expect.objectContaining({ quantity: '1.54023' })]);
    const requestsBefore = exchange.orderRequests;
    const tiny = await sellJob('0.0004');
    expect(tiny).toMatchObject({ status: 'FAILED', error: { type: 'InvalidQuantity' } });
    expect(tiny.error.message).toContain("under the exchange's minimum lot 0.00001");
    expect(exchange.orderRequests).toBe(requestsBefore);
  });

  it('refuses a signal job with a bad indicator field or side, naming the field', async () => {
    const bot = await platform.api('POST', '/bots', { user_id: 1, name: 'refused', strategy: 'signal', symbols: ['BTCUSDT'], budget: '1000', max_open_positions: 1, max_notional: '500', daily_loss_limit: '100' });
    const job = (task_params: Record<string, unknown>) =>
      platform.api('POST', '/jobs', { name: 'bad signal', job_type: 'strategy_execution', target: 'BTCUSDT', cron: '0 0 1 1 *', user_id: 1, task_params: { bot_id: bot.body.id, strategy: 'signal', quote_amount: '100', indicator: 'rsi', condition: 'below', value: 30, ...task_params } });
    const badPeriod = await job({ period: 0 });
    expect(badPeriod.status).toBe(422);
    expect(badPeriod.body.errors).toEqual([expect.objectContaining({ path: 'task_params.period' })]);
    const short = await job({ side: 'SHORT' });
    expect(short.status).toBe(422);
    expect(short.body.errors).toEqual([{ path: 'task_params.side', message: 'must be BUY or SELL' }]);
  });
});
