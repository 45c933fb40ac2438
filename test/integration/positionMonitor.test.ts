import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { activityInfo, heartbeat, sleep } from '@temporalio/activity';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobRunActivities } from '../../activities/jobRuns.ts';
import { createPositionActivities } from '../../activities/positions.ts';
import { createTradingActivities } from '../../activities/trading.ts';
import { JobRun, KillSwitchEngagement, PaperOrder, Position, Trade } from '../../db/entities/index.ts';
import { inTransaction, initORM, migrate, type Orm } from '../../db/orm.ts';
import { createBot, getBot } from '../../db/services/bots.ts';
import { add, multiply, subtract } from '../../lib/decimal.ts';
import { recordTrade } from '../../db/services/trades.ts';
import { loadConfig, type Config } from '../../lib/config.ts';
import { ErrorEventRecorder } from '../../lib/errorEvents.ts';
import { businessError } from '../../lib/errors.ts';
import { createBinanceExchange } from '../../lib/exchange/binanceExchange.ts';
import { createPaperExchange } from '../../lib/exchange/paperExchange.ts';
import { createLogger } from '../../lib/logger.ts';
import type { MarketDataProvider } from '../../lib/marketData/index.ts';
import type { Notification } from '../../lib/notify/index.ts';
import { BUILT_IN_RETRY_POLICIES } from '../../lib/retryStrategies.ts';
import { installTemporalRuntime } from '../../lib/temporalRuntime.ts';
import { activityFailureInterceptor } from '../../workers/activityFailureInterceptor.ts';
import { closePositionWorkflowIdFor } from '../../workflows/names.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/databases.ts';
import { FAKE_API_KEY, FAKE_API_SECRET, startFakeExchange, type FakeExchange } from '../helpers/fakeExchange.ts';
import { eventually } from '../helpers/platform.ts';
import { startTestWorker, type TestWorker } from '../helpers/testWorker.ts';

const WORKFLOWS_PATH = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));
const INTERCEPTOR_PATH = fileURLToPath(new URL('../../workflows/jobRunInterceptor.ts', import.meta.url));
const config = loadConfig({ CONFIG_DIR: join(import.meta.dirname, '..', '..', 'config') });

const workflowIdOfActivity = () => activityInfo().workflowExecution?.workflowId ?? 'standalone';

// position_monitor and its close-position child on the real dev server, the trading worker's activities and run recorder, on each database.
describe.each(DATABASE_KINDS)('position_monitor on %s', (kind) => {
  let database: TestDatabase;
  let orm: Orm;
  let testWorker: TestWorker;
  let client: Client;
  let errorEvents: ErrorEventRecorder;
  let fake: FakeExchange;
  const taskQueue = `position-monitor-test-${kind}`;
  /** The market price each symbol is at now; the paper exchange fills at it too. */
  const prices = new Map<string, number>([['BTCUSDT', 50_000]]);
  const market: MarketDataProvider = {
    name: 'fixed',
    getPrice: (symbol) => Promise.resolve({ symbol, price: prices.get(symbol)!, at: new Date().toISOString() }),
    getKlines: () => Promise.resolve([]),
  };
  /** The step whose activity fails, per workflow. */
  const faults = new Map<string, string>();
  /** Compensation calls and notifications, per workflow, in order. */
  const calls = new Map<string, string[]>();
  const log = (entry: string) => calls.set(workflowIdOfActivity(), [...(calls.get(workflowIdOfActivity()) ?? []), entry]);
  const faultBefore = async (step: string) => {
    const fault = faults.get(workflowIdOfActivity());
    if (fault === step) throw businessError('InjectedFault', `injected fault at ${step}`);
    // Holds the step until the workflow is cancelled (the heartbeat brings the cancellation, sleep then rejects).
    for (; fault === `hold:${step}`; ) {
      heartbeat();
      await sleep(100);
    }
  };

  beforeAll(async () => {
    installTemporalRuntime(createLogger({ app_env: 'test', log: { level: (process.env.TEST_LOG_LEVEL ?? 'error') as Config['log']['level'] } }));
    database = await createTestDatabase(kind);
    orm = await initORM({ url: database.url });
    await migrate(orm);
    // Position IDs name the close workflows: the two databases' must not meet in the one namespace.
    if (kind === 'postgresql') await orm.em.getConnection().execute("select setval('positions_id_seq', 100000)");
    errorEvents = new ErrorEventRecorder(orm, createLogger({ app_env: 'test', log: { level: 'silent' } }));
    fake = await startFakeExchange({ BTCUSDT: 50_000 });
    const live = createBinanceExchange({ baseUrl: fake.url, apiKey: FAKE_API_KEY, apiSecret: FAKE_API_SECRET, timeoutMs: 500, recvWindowMs: 1_000 });
    const trading = createTradingActivities({
      config: { ...config, exchange: { ...config.exchange, provider: 'binance', recv_window_ms: 1_000 } },
      orm,
      exchanges: { paper: createPaperExchange(orm, market), live },
      faultBefore,
    });
    testWorker = await startTestWorker({
      taskQueue,
      workflowsPath: WORKFLOWS_PATH,
      interceptors: { workflowModules: [INTERCEPTOR_PATH], activity: [activityFailureInterceptor(BUILT_IN_RETRY_POLICIES, errorEvents)] },
      activities: {
        ...createJobRunActivities({ orm, workerId: 'position-monitor-test', errorEvents }),
        ...createPositionActivities({ orm, marketData: market, faultBefore }),
        ...trading,
        undoOrder: (...args: Parameters<typeof trading.undoOrder>) => (log('undoOrder'), trading.undoOrder(...args)),
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

  let jobId = kind === 'sqlite' ? 700 : 800;
  let fills = 0;
  /** A running bot holding 0.002 BTCUSDT bought at 50,000. */
  const botWithPosition = async (overrides: Record<string, unknown> = {}) => {
    const bot = await createBot(orm, { user_id: 4, name: 'held', strategy: 'dca', symbols: ['BTCUSDT'], budget: '1000', max_open_positions: 2, max_notional: '500', daily_loss_limit: '100', dry_run: true, ...overrides });
    fills += 1;
    await recordTrade(orm, { bot_id: bot.id, symbol: 'BTCUSDT', side: 'BUY', quantity: '0.002', price: '50000', fee: '0', client_order_id: `seed-${kind}-${fills}`, executed_at: new Date() });
    const position = await inTransaction(orm, (em) => em.findOneOrFail(Position, { bot: bot.id, status: 'open' }));
    return { bot, position_id: position.id };
  };
  const start = async (botId: number, params: Record<string, unknown> = { stop_loss_pct: '5', take_profit_pct: '10' }, fault?: string) => {
    jobId += 1;
    const workflowId = `job-${jobId}-manual-${Date.now()}`;
    if (fault) faults.set(workflowId, fault);
    const job = { job_id: jobId, user_id: 4, name: `monitor ${jobId}`, job_type: 'position_monitor', target: '*', task_params: { bot_id: botId, ...params } };
    return client.workflow.start('positionMonitorWorkflow', { taskQueue, workflowId, args: [job], memo: { job_id: jobId, name: job.name, job_type: job.job_type, user_id: 4 } });
  };
  const runOf = (handle: WorkflowHandle) => inTransaction(orm, (em) => em.findOneOrFail(JobRun, { workflow_id: handle.workflowId }));
  const positionOf = (positionId: number) => inTransaction(orm, (em) => em.findOneOrFail(Position, positionId));
  /** Every paper order so far, oldest first: in this test only closes and their undos place any. */
  const paperOrders = () => inTransaction(orm, async (em) => (await em.find(PaperOrder, {}, { orderBy: { id: 'asc' } })).map((order) => `${order.side} ${order.executed_quantity}`));

  it('marks open positions to market and closes none while the price is between the exits', async () => {
    prices.set('BTCUSDT', 51_000);
    const { bot, position_id } = await botWithPosition();
    const handle = await start(bot.id);
    const result = await handle.result();
    expect(result.positions).toEqual([{ position_id, symbol: 'BTCUSDT', quantity: '0.002', avg_entry_price: '50000', price: '51000', unrealized_pnl: '2' }]);
    expect(result.closes).toEqual([]);
    const position = await positionOf(position_id);
    expect(position).toMatchObject({ status: 'open', last_price: '51000', unrealized_pnl: '2' });
    expect(position.marked_at).toBeInstanceOf(Date);
    expect((await runOf(handle)).status).toBe('COMPLETED');
  });

  it.each([
    ['stop_loss', 47_500, '-5'],
    ['take_profit', 55_000, '10'],
  ] as const)('at its %s the position is sold whole in a child workflow: closed, pnl realised, owner notified', async (trigger, price, pnl) => {
    prices.set('BTCUSDT', price);
    const { bot, position_id } = await botWithPosition();
    const handle = await start(bot.id);
    const result = await handle.result();
    expect(result.closes).toEqual([expect.objectContaining({ position_id, outcome: 'closed', trigger, quantity: '0.002', price: String(price), realized_pnl: pnl })]);
    expect(await positionOf(position_id)).toMatchObject({ status: 'closed' });
    const trades = await inTransaction(orm, (em) => em.find(Trade, { bot: bot.id }, { orderBy: { id: 'asc' } }));
    expect(trades.map((trade) => `${trade.side} ${trade.quantity} ${trade.status}`)).toEqual(['BUY 0.002 FILLED', 'SELL 0.002 FILLED']);
    // The proceeds are the bot's to spend again.
    const sale = trades[1]!;
    expect((await getBot(orm, bot.id))!.budget).toBe(add('1000', subtract(multiply(sale.quantity, sale.price), sale.fee)));
    expect(calls.get(closePositionWorkflowIdFor(position_id))).toEqual(['notify:notify-closed']);
    // The close is a child of the run, visible in the Web UI under the position's own workflow ID.
    const child = await client.workflow.getHandle(closePositionWorkflowIdFor(position_id)).describe();
    expect(child.status.name).toBe('COMPLETED');
    expect(child.raw.workflowExecutionInfo?.parentExecution?.workflowId).toBe(handle.workflowId);
    // A second pass finds nothing to close.
    expect((await (await start(bot.id)).result()).closes).toEqual([]);
  });

  it("a position's own stop-loss price wins over the job's percentage", async () => {
    prices.set('BTCUSDT', 49_000);
    const { bot, position_id } = await botWithPosition();
    await inTransaction(orm, async (em) => {
      (await em.findOneOrFail(Position, position_id)).stop_loss = '49500';
    });
    const result = await (await start(bot.id)).result();
    expect(result.closes).toEqual([expect.objectContaining({ position_id, outcome: 'closed', trigger: 'stop_loss' })]);
  });

  it.each([
    ['check', []],
    ['order', []],
    ['trade', ['undoOrder']],
  ] as const)('a fault at the close\'s %s step: the sale is undone, the position stands as it was, the run FAILED naming the close', async (step, undone) => {
    prices.set('BTCUSDT', 40_000);
    const { bot, position_id } = await botWithPosition();
    const before = (await paperOrders()).length;
    faults.set(closePositionWorkflowIdFor(position_id), step);
    const handle = await start(bot.id);
    await expect(handle.result()).rejects.toThrow();
    faults.delete(closePositionWorkflowIdFor(position_id));
    expect(calls.get(closePositionWorkflowIdFor(position_id))).toEqual([...undone, 'notify:notify-close-failed']);
    expect(await positionOf(position_id)).toMatchObject({ status: 'open', quantity: '0.002', avg_entry_price: '50000', last_price: '40000' });
    expect(await inTransaction(orm, (em) => em.count(Trade, { bot: bot.id, side: 'SELL' }))).toBe(0);
    expect(await getBot(orm, bot.id)).toMatchObject({ budget: '1000', reserved: '0' });
    const run = await runOf(handle);
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatchObject({ type: 'PositionCloseFailed' });
    expect(run.error?.message).toContain(`position ${position_id} (stop_loss): InjectedFault: injected fault at ${step}`);
    const compensated = undone.length > 0 ? [`position-${position_id}/order`] : [];
    expect(run.error?.compensations?.map((record) => record.step)).toEqual([...compensated, `position-${position_id}/arm_failure_notice`]);
    // A sale that was undone is bought back by exactly one opposite order.
    expect((await paperOrders()).slice(before)).toEqual(step === 'trade' ? ['SELL 0.002', 'BUY 0.002'] : []);
    calls.delete(closePositionWorkflowIdFor(position_id));
  });

  it('cancelled while the close records its trade: the sale is undone and the run is CANCELLED', async () => {
    prices.set('BTCUSDT', 40_000);
    const { bot, position_id } = await botWithPosition();
    const closeId = closePositionWorkflowIdFor(position_id);
    faults.set(closeId, 'hold:trade');
    const handle = await start(bot.id);
    await eventually(async () => {
      const close = await client.workflow.getHandle(closeId).describe().catch(() => undefined);
      return close?.raw.workflowExecutionInfo?.parentExecution?.workflowId === handle.workflowId && close.raw.pendingActivities?.some((pending) => pending.activityType?.name === 'recordTrade') ? true : undefined;
    });
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    faults.delete(closeId);
    expect(calls.get(closeId)).toEqual(['undoOrder', 'notify:notify-close-failed']);
    expect(await positionOf(position_id)).toMatchObject({ status: 'open', quantity: '0.002' });
    expect((await runOf(handle)).status).toBe('CANCELLED');
    expect((await client.workflow.getHandle(closeId).describe()).status.name).toBe('CANCELLED');
    calls.delete(closeId);
  }, 30_000);

  it('while the kill switch is engaged a close sells nothing', async () => {
    prices.set('BTCUSDT', 40_000);
    const { bot, position_id } = await botWithPosition();
    const engagement = await inTransaction(orm, (em) => Promise.resolve(em.create(KillSwitchEngagement, { engaged: true, reason: 'test', engaged_by: 'test', engaged_at: new Date(), paused_job_ids: [] })));
    try {
      const handle = await start(bot.id);
      await expect(handle.result()).rejects.toThrow();
      expect((await runOf(handle)).error?.message).toContain('KillSwitchEngaged');
      expect(await positionOf(position_id)).toMatchObject({ status: 'open' });
    } finally {
      await inTransaction(orm, async (em) => {
        (await em.findOneOrFail(KillSwitchEngagement, engagement.id)).engaged = null;
      });
    }
  });

  it('a live sale whose answer is lost is looked up by client ID: exactly one order at the exchange, the position closed', async () => {
    prices.set('BTCUSDT', 40_000);
    fake.prices.set('BTCUSDT', 40_000);
    const { bot, position_id } = await botWithPosition({ dry_run: false });
    const [requestsBefore, ordersBefore] = [fake.orderRequests, fake.orders.size];
    fake.faults.push({ kind: 'lose-answer' });
    const result = await (await start(bot.id)).result();
    const [close] = result.closes;
    expect(close).toMatchObject({ outcome: 'closed', trigger: 'stop_loss' });
    expect(fake.orders.size - ordersBefore).toBe(1);
    expect(fake.orderRequests - requestsBefore).toBe(1);
    expect(fake.orders.get((close as { client_order_id: string }).client_order_id)).toMatchObject({ side: 'SELL', executedQty: '0.00200000' });
    expect(await positionOf(position_id)).toMatchObject({ status: 'closed' });
  }, 30_000);
});
