import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { activityInfo, heartbeat, sleep } from '@temporalio/activity';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobRunActivities } from '../../activities/jobRuns.ts';
import { createTradingActivities } from '../../activities/trading.ts';
import { BudgetReservation, JobRun, KillSwitchEngagement, Order, PaperOrder, Position, Trade } from '../../db/entities/index.ts';
import { cancelOpenOrders } from '../../trading/openOrders.ts';
import { inTransaction, initORM, migrate, type Orm } from '../../db/orm.ts';
import { createBot, getBot, updateBot } from '../../db/services/bots.ts';
import { loadConfig, type Config } from '../../lib/config.ts';
import { ErrorEventRecorder } from '../../lib/errorEvents.ts';
import { businessError } from '../../lib/errors.ts';
import { createBinanceExchange } from '../../lib/exchange/binanceExchange.ts';
import type { Exchange } from '../../lib/exchange/exchange.ts';
import { createPaperExchange } from '../../lib/exchange/paperExchange.ts';
import { createLogger } from '../../lib/logger.ts';
import type { MarketDataProvider } from '../../lib/marketData/index.ts';
import type { Notification } from '../../lib/notify/index.ts';
import { BUILT_IN_RETRY_POLICIES } from '../../lib/retryStrategies.ts';
import { installTemporalRuntime } from '../../lib/temporalRuntime.ts';
import { activityFailureInterceptor } from '../../workers/activityFailureInterceptor.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/databases.ts';
import { FAKE_API_KEY, FAKE_API_SECRET, startFakeExchange, type FakeExchange } from '../helpers/fakeExchange.ts';
import { eventually } from '../helpers/platform.ts';
import { startTestWorker, type TestWorker } from '../helpers/testWorker.ts';

const WORKFLOWS_PATH = fileURLToPath(new URL('../../workflows/strategyExecution.ts', import.meta.url));
const INTERCEPTOR_PATH = fileURLToPath(new URL('../../workflows/jobRunInterceptor.ts', import.meta.url));
const config = loadConfig({ CONFIG_DIR: join(import.meta.dirname, '..', '..', 'config') });
const market: MarketDataProvider = {
  name: 'fixed',
  getPrice: (symbol) => Promise.resolve({ symbol, price: 50_000, at: new Date().toISOString() }),
  getKlines: () => Promise.resolve([]),
};

const workflowIdOfActivity = () => activityInfo().workflowExecution?.workflowId ?? 'standalone';

// strategy_execution (dca) on the real dev server, run recorder and failure mapping as the trading worker has them, paper exchange on each database.
describe.each(DATABASE_KINDS)('strategy_execution saga on %s', (kind) => {
  let database: TestDatabase;
  let orm: Orm;
  let testWorker: TestWorker;
  let client: Client;
  let errorEvents: ErrorEventRecorder;
  let fake: FakeExchange;
  let live: Exchange;
  const taskQueue = `strategy-execution-test-${kind}`;
  /** The step whose activity fails, per workflow. */
  const faults = new Map<string, string>();
  /** Compensation calls and notifications, per workflow, in order. */
  const calls = new Map<string, string[]>();
  const log = (entry: string) => calls.set(workflowIdOfActivity(), [...(calls.get(workflowIdOfActivity()) ?? []), entry]);

  beforeAll(async () => {
    installTemporalRuntime(createLogger({ app_env: 'test', log: { level: (process.env.TEST_LOG_LEVEL ?? 'error') as Config['log']['level'] } }));
    database = await createTestDatabase(kind);
    orm = await initORM({ url: database.url });
    await migrate(orm);
    errorEvents = new ErrorEventRecorder(orm, createLogger({ app_env: 'test', log: { level: 'silent' } }));
    fake = await startFakeExchange({ BTCUSDT: 50_000 });
    // Live bots go to the test's own Binance-format exchange; a short recvWindow settles "not found" in about two seconds.
    live = createBinanceExchange({ baseUrl: fake.url, apiKey: FAKE_API_KEY, apiSecret: FAKE_API_SECRET, timeoutMs: 500, recvWindowMs: 1_000 });
    const trading = createTradingActivities({
      config: { ...config, exchange: { ...config.exchange, provider: 'binance', recv_window_ms: 1_000 } },
      orm,
      exchanges: { paper: createPaperExchange(orm, market), live },
      faultBefore: async (step) => {
        const fault = faults.get(workflowIdOfActivity());
        if (fault === step) throw businessError('InjectedFault', `injected fault at ${step}`);
        // Holds the step until the workflow is cancelled (the heartbeat brings the cancellation, sleep then rejects).
        for (; fault === `hold:${step}`; ) {
          heartbeat();
          await sleep(100);
        }
      },
    });
    testWorker = await startTestWorker({
      taskQueue,
      workflowsPath: WORKFLOWS_PATH,
      interceptors: { workflowModules: [INTERCEPTOR_PATH], activity: [activityFailureInterceptor(BUILT_IN_RETRY_POLICIES, errorEvents)] },
      activities: {
        ...createJobRunActivities({ orm, workerId: 'strategy-test', errorEvents }),
        ...trading,
        releaseReservation: (...args: Parameters<typeof trading.releaseReservation>) => (log('releaseReservation'), trading.releaseReservation(...args)),
        undoOrder: (...args: Parameters<typeof trading.undoOrder>) => (log('undoOrder'), trading.undoOrder(...args)),
        markTradeFailed: (...args: Parameters<typeof trading.markTradeFailed>) => (log('markTradeFailed'), trading.markTradeFailed(...args)),
        // The outbox itself is tested with its worker elsewhere; here what matters is which notices the run sends.
        sendNotification: (notification: Notification) => (log(`notify:${notification.idempotency_key.split('/').pop()}`), Promise.resolve({ channel: 'log', delivered: true })),
      },
    });
    client = testWorker.client;
  });

  afterAll(async () => {
    await testWorker?.close();
    await errorEvents?.close();
    await fake?.close();
    await orm?.close();
    await database?.drop();
  });

  let jobId = kind === 'sqlite' ? 500 : 600;
  const newBot = (overrides: Record<string, unknown> = {}) =>
    createBot(orm, { user_id: 3, name: 'dca', strategy: 'dca', symbols: ['BTCUSDT'], budget: '1000', max_open_positions: 2, max_notional: '500', daily_loss_limit: '100', dry_run: true, ...overrides });
  const start = async (botId: number, failAt?: string, params: Record<string, unknown> = {}) => {
    jobId += 1;
    const workflowId = `job-${jobId}-manual-${Date.now()}`;
    if (failAt) faults.set(workflowId, failAt);
    const job = { job_id: jobId, user_id: 3, name: `dca ${jobId}`, job_type: 'strategy_execution', target: 'BTCUSDT', task_params: { bot_id: botId, strategy: 'dca', side: 'BUY', quote_amount: '100', ...params } };
    return client.workflow.start('strategyExecutionWorkflow', { taskQueue, workflowId, args: [job], memo: { job_id: jobId, name: job.name, job_type: job.job_type, user_id: 3 } });
  };
  const orderRow = (clientOrderId: string) => inTransaction(orm, (em) => em.findOne(Order, { client_order_id: clientOrderId }));
  const runOf = (handle: WorkflowHandle) => inTransaction(orm, (em) => em.findOneOrFail(JobRun, { workflow_id: handle.workflowId }));
  const booksOf = async (botId: number) => {
    const { reserved } = (await getBot(orm, botId))!;
    return inTransaction(orm, async (em) => ({
      reserved,
      open_positions: await em.count(Position, { bot: botId, status: 'open' }),
      filled_trades: await em.count(Trade, { bot: botId, status: 'FILLED' }),
      held_reservations: await em.count(BudgetReservation, { bot: botId, status: 'reserved' }),
    }));
  };

  it('buys quote_amount at market, records the trade and position, consumes the reservation, notifies', async () => {
    const bot = await newBot();
    const handle = await start(bot.id);
    const result = await handle.result();
    expect(result).toMatchObject({ quantity: '0.002', price: '50000' });
    expect(await booksOf(bot.id)).toEqual({ reserved: '0', open_positions: 1, filled_trades: 1, held_reservations: 0 });
    expect((await runOf(handle)).status).toBe('COMPLETED');
    expect(calls.get(handle.workflowId)).toEqual(['notify:notify-filled']);
    expect(await inTransaction(orm, (em) => em.count(PaperOrder, { client_order_id: result.client_order_id }))).toBe(1);
    // Keel's own record of the order, brought up to date with the fill.
    expect(await orderRow(result.client_order_id)).toMatchObject({ side: 'BUY', type: 'MARKET', status: 'FILLED', quantity: '0.002', price: '50000', exchange_order_id: expect.stringMatching(/^paper-/), workflow_id: handle.workflowId });
  });

  const STEPS: [string, string[]][] = [
    ['risk', ['notify:notify-failed']],
    ['reserve', ['notify:notify-failed']],
    ['order', ['releaseReservation', 'notify:notify-failed']],
    ['trade', ['undoOrder', 'releaseReservation', 'notify:notify-failed']],
    ['consume', ['markTradeFailed', 'undoOrder', 'releaseReservation', 'notify:notify-failed']],
  ];

  it.each(STEPS)('a fault at %s: the earlier steps are undone once each, newest first, the books are back, the JobRun FAILED with the fault', async (step, undone) => {
    const bot = await newBot();
    const paperOrders = () => inTransaction(orm, (em) => em.find(PaperOrder, {}, { orderBy: { id: 'asc' } }));
    const before = (await paperOrders()).length;
    const handle = await start(bot.id, step);
    await expect(handle.result()).rejects.toThrow();
    expect(calls.get(handle.workflowId)).toEqual(undone);
    expect(await booksOf(bot.id)).toEqual({ reserved: '0', open_positions: 0, filled_trades: 0, held_reservations: 0 });
    const run = await runOf(handle);
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatchObject({ type: 'InjectedFault', message: `injected fault at ${step}` });
    const compensated = undone.length - 1;
    expect(run.error?.compensations?.map((record) => record.step)).toEqual([...['trade', 'order', 'reserve'].slice(3 - compensated), 'arm_failure_notice']);
    // A fill that was undone is closed at the exchange by exactly one opposite order.
    const ofThisRun = (await paperOrders()).slice(before);
    expect(ofThisRun.map((order) => `${order.side} ${order.executed_quantity}`)).toEqual(undone.includes('undoOrder') ? ['BUY 0.002', 'SELL 0.002'] : []);
    // The orders table holds what the exchange holds, each FILLED: none is left open for the kill switch to chase.
    const rows = await Promise.all(ofThisRun.map((order) => orderRow(order.client_order_id)));
    expect(rows.map((row) => `${row?.side} ${row?.status}`)).toEqual(undone.includes('undoOrder') ? ['BUY FILLED', 'SELL FILLED'] : []);
  });

  it('refuses a bot over its limits or not running, with nothing placed or held', async () => {
    const paused = await newBot();
    await updateBot(orm, paused.id, { status: 'paused' });
    const small = await newBot({ max_notional: '50' });
    for (const [bot, type] of [[paused.id, 'BotNotRunning'], [small.id, 'MaxNotional']] as const) {
      const handle = await start(bot);
      await expect(handle.result()).rejects.toThrow();
      expect((await runOf(handle)).error).toMatchObject({ type });
      expect(await booksOf(bot)).toEqual({ reserved: '0', open_positions: 0, filled_trades: 0, held_reservations: 0 });
    }
  });

  it.each(['lose-answer', 'unavailable', 'internal-1001'] as const)('a live order whose answer is lost (%s) is looked up by client ID: exactly one order at the exchange, the run completes', async (kind) => {
    const bot = await newBot({ dry_run: false });
    const [requestsBefore, ordersBefore] = [fake.orderRequests, fake.orders.size];
    fake.faults.push({ kind });
    const handle = await start(bot.id);
    const result = await handle.result();
    expect(fake.orders.get(result.client_order_id)).toMatchObject({ side: 'BUY' });
    expect(fake.orders.size - ordersBefore).toBe(1);
    // Lost after placing: found, never sent again; refused before placing: sent once more once recvWindow settled it absent.
    expect(fake.orderRequests - requestsBefore).toBe(kind === 'lose-answer' ? 1 : 2);
    expect(await booksOf(bot.id)).toEqual({ reserved: '0', open_positions: 1, filled_trades: 1, held_reservations: 0 });
    expect((await runOf(handle)).status).toBe('COMPLETED');
    expect(await orderRow(result.client_order_id)).toMatchObject({ status: 'FILLED', exchange_order_id: fake.orders.get(result.client_order_id)!.orderId.toString() });
  }, 30_000);

  it('a live order the exchange keeps refusing before placing: settled absent each time, the run fails, the orders table says EXPIRED and the exchange holds none', async () => {
    const bot = await newBot({ dry_run: false });
    const ordersBefore = fake.orders.size;
    fake.faults.push({ kind: 'unavailable' }, { kind: 'unavailable' }, { kind: 'unavailable' });
    const handle = await start(bot.id);
    await expect(handle.result()).rejects.toThrow();
    expect(fake.orders.size).toBe(ordersBefore);
    const rows = await inTransaction(orm, (em) => em.find(Order, { bot: bot.id }));
    expect(rows.map((row) => `${row.side} ${row.status}`)).toEqual(['BUY EXPIRED']);
    expect((await runOf(handle)).error).toMatchObject({ type: 'OrderOutcomeUnknown' });
    expect(await booksOf(bot.id)).toEqual({ reserved: '0', open_positions: 0, filled_trades: 0, held_reservations: 0 });
  }, 30_000);

  it('the kill switch engaged while a live order has no answer: the kill switch cancels it from the orders table, no placement follows, the run fails', async () => {
    const bot = await newBot({ dry_run: false });
    const [requestsBefore, ordersBefore] = [fake.orderRequests, fake.orders.size];
    // The exchange sits on the request past the client's timeout and past its recvWindow, so it will never execute it.
    fake.faults.push({ kind: 'hold', ms: 2_500 });
    const handle = await start(bot.id);
    const unknown = await eventually(async () => ((await inTransaction(orm, (em) => em.findOne(Order, { bot: bot.id })))?.status === 'UNKNOWN' ? true : undefined));
    expect(unknown).toBe(true);
    const engagement = await inTransaction(orm, (em) => Promise.resolve(em.create(KillSwitchEngagement, { engaged: true, reason: 'test', engaged_by: 'test', engaged_at: new Date(), paused_job_ids: [] })));
    try {
      const { cancelled } = await cancelOpenOrders(orm, { paper: createPaperExchange(orm, market), live }, 'binance');
      expect(cancelled).toEqual([expect.objectContaining({ bot_id: bot.id, status: 'CANCELED' })]);
      await expect(handle.result()).rejects.toThrow();
      expect((await runOf(handle)).error).toMatchObject({ type: 'KillSwitchEngaged' });
    } finally {
      await inTransaction(orm, async (em) => {
        (await em.findOneOrFail(KillSwitchEngagement, engagement.id)).engaged = null;
      });
    }
    expect(fake.orders.size).toBe(ordersBefore);
    expect(fake.orderRequests - requestsBefore).toBe(1);
    // The run's own settlement then found it absent for good: EXPIRED, the exchange's word for a request it never executed.
    expect(await inTransaction(orm, (em) => em.find(Order, { bot: bot.id }))).toEqual([expect.objectContaining({ status: 'EXPIRED' })]);
    expect(await booksOf(bot.id)).toEqual({ reserved: '0', open_positions: 0, filled_trades: 0, held_reservations: 0 });
  }, 30_000);

  it.each([
    ['order', 'placeOrder', ['releaseReservation', 'notify:notify-failed']],
    ['consume', 'consumeReservation', ['markTradeFailed', 'undoOrder', 'releaseReservation', 'notify:notify-failed']],
  ] as const)('cancelled while at %s: the earlier steps are undone once each, newest first, the books are back', async (step, activity, undone) => {
    const bot = await newBot();
    const handle = await start(bot.id, `hold:${step}`);
    await eventually(async () => ((await handle.describe()).raw.pendingActivities?.some((pending) => pending.activityType?.name === activity) ? true : undefined));
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    expect(calls.get(handle.workflowId)).toEqual(undone);
    expect(await booksOf(bot.id)).toEqual({ reserved: '0', open_positions: 0, filled_trades: 0, held_reservations: 0 });
    const run = await runOf(handle);
    expect(run.status).toBe('CANCELLED');
  }, 30_000);
});
