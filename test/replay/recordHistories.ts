import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { inTransaction, type Orm } from '../../db/orm.ts';
import { enqueueRun } from '../../db/repositories/jobRuns.ts';
import { bootPlatform } from '../../lib/boot.ts';
import { loadConfig } from '../../lib/config.ts';
import { JobScheduler } from '../../lib/jobScheduler.ts';
import { createLogger } from '../../lib/logger.ts';
import { installTemporalRuntime } from '../../lib/temporalRuntime.ts';
import { findFreePort } from '../../scripts/freePort.ts';
import { ensureTemporalCli } from '../../scripts/temporalCli.ts';
import { startTemporalDevServer } from '../../scripts/temporalDevServer.ts';
import { connectWorker, createKeelWorker, workerIdentity } from '../../workers/createWorker.ts';
import { createWorkerServices } from '../../workers/services.ts';
import { activeTaskQueues, JOB_TYPES } from '../../lib/jobTypes.ts';
import type { NewJobSchedule } from '../../db/repositories/jobSchedules.ts';
import { binanceKlines, startFakeBinance } from '../helpers/fakeBinance.ts';
import { createBot } from '../../db/services/bots.ts';
import { recordTrade } from '../../db/services/trades.ts';

// `npm run test:record-histories [-- --only name,name]`: runs every scenario below (or the named ones) for real and saves
// each run's history under test/replay/histories/, which the replay test replays against the current workflow code on
// every test run. Record only new scenarios: a history recorded before a patch is what proves old runs still replay.

/** A job as the API stores it: params parsed by the job type's schema. */
function jobOf(jobType: keyof typeof JOB_TYPES, target: string, params: Record<string, unknown>): NewJobSchedule {
  const task_params = JOB_TYPES[jobType].taskParams.parse(params);
  return { name: `replay ${target}`, job_type: jobType, target, task_params, cron: '0 0 1 1 *', timezone: 'UTC', enabled: true, user_id: 1 };
}
const priceAlert = (target: string, params: Record<string, unknown>) => jobOf('price_alert', target, params);
const indicatorAlert = (target: string, params: Record<string, unknown>) => jobOf('indicator_alert', target, params);

/** A run of the job that is going already (as another worker would have it), so a job with max_instances 1 refuses the next. */
async function oneRunGoing(orm: Orm, jobId: number): Promise<void> {
  await inTransaction(orm, async (em) => {
    enqueueRun(em, { workflow_id: `job-${jobId}-already-going`, job_id: jobId, job_type: 'price_alert', user_id: 1, job_snapshot: {}, scheduled_for: new Date(), enqueued_at: new Date() }).status = 'RUNNING';
    await em.flush();
  });
}

const positionMonitor = (botId: number) => jobOf('position_monitor', '*', { bot_id: botId, stop_loss_pct: '5', take_profit_pct: '10' });

/** Makes a bot holding 0.002 BTCUSDT bought at `price`; returns its id. */
async function botHolding(orm: Orm, price: number): Promise<number> {
  const bot = await createBot(orm, { user_id: 1, name: `replay holding ${price}`, strategy: 'dca', symbols: ['BTCUSDT'], budget: '1000', max_open_positions: 1, max_notional: '500', daily_loss_limit: '100', dry_run: true });
  await recordTrade(orm, { bot_id: bot.id, symbol: 'BTCUSDT', side: 'BUY', quantity: '0.002', price: String(price), fee: '0', client_order_id: `replay-seed-${bot.id}`, executed_at: new Date() });
  return bot.id;
}

/**
 * One recorded run: a job (or what makes one: its bot first) created and triggered once, or once per entry of `prices` (BTCUSDT's
 * price for that run; the last run is saved), or with `fired` the first run its schedule starts; `before` prepares the database.
 * Add one when you add a job type or a path through a workflow.
 */
const SCENARIOS: { name: string; job: (NewJobSchedule & { max_instances?: number }) | ((orm: Orm) => Promise<NewJobSchedule>); prices?: string[]; fired?: boolean; before?: (orm: Orm, jobId: number) => Promise<void> }[] = [
  // Fired by its schedule 30 s ahead of the minute: the run waits on a timer for its fire time, then works (README, "Start ahead").
  { name: 'price-alert-started-ahead', job: { ...priceAlert('BTCUSDT', { condition: 'above', value: 1 }), cron: '* * * * *' }, fired: true },
  // Recorded before the price-alert-one-transaction patch: decide, record the alert, queue the notification, three activities.
  { name: 'price-alert-fires', job: priceAlert('BTCUSDT', { condition: 'above', value: 1 }) },
  // With the patch: one activity decides, records and queues.
  { name: 'price-alert-fires-one-transaction', job: priceAlert('BTCUSDT', { condition: 'above', value: 1 }) },
  { name: 'price-alert-one-shot-one-transaction', job: priceAlert('BTCUSDT', { condition: 'above', value: 1, mode: 'once' }) },
  { name: 'price-alert-holds-back', job: priceAlert('BTCUSDT', { condition: 'below', value: 1 }) },
  { name: 'price-alert-invalid-symbol', job: priceAlert('NOPEUSDT', { condition: 'above', value: 1 }) },
  { name: 'price-alert-one-shot-fires', job: priceAlert('BTCUSDT', { condition: 'above', value: 1, mode: 'once' }) },
  { name: 'price-alert-change-pct-fires', job: priceAlert('BTCUSDT', { condition: 'change_pct', value: 0.1, timeframe: '1h' }) },
  { name: 'price-alert-cross-first-run', job: priceAlert('BTCUSDT', { condition: 'crosses_above', value: 1 }) },
  { name: 'price-alert-cross-fires', job: priceAlert('BTCUSDT', { condition: 'crosses_above', value: 50_000, mode: 'rearm' }), prices: ['49000.00', '50150.00'] },
  { name: 'indicator-alert-fires', job: indicatorAlert('BTCUSDT', { indicator: 'rsi', condition: 'below', value: 100 }) },
  { name: 'indicator-alert-holds-back', job: indicatorAlert('BTCUSDT', { indicator: 'rsi', condition: 'above', value: 100 }) },
  { name: 'price-alert-refused-max-instances', job: { ...priceAlert('BTCUSDT', { condition: 'above', value: 1 }), max_instances: 1 }, before: oneRunGoing },
  { name: 'report-delivered', job: jobOf('report', 'BTCUSDT', { interval: '1h', candles: 60 }) },
  { name: 'maintenance-all-tasks', job: { ...jobOf('maintenance', 'database', {}), user_id: 2_147_483_647 } },
  // The first bot of the fresh database (id 1), made just before the run.
  {
    name: 'strategy-execution-dca-fills',
    job: jobOf('strategy_execution', 'BTCUSDT', { bot_id: 1, strategy: 'dca', side: 'BUY', quote_amount: '100' }),
    before: async (orm) => void (await createBot(orm, { user_id: 1, name: 'replay dca', strategy: 'dca', symbols: ['BTCUSDT'], budget: '1000', max_open_positions: 1, max_notional: '500', daily_loss_limit: '100', dry_run: true })),
  },
  // Bots 2 and 3: a signal strategy whose RSI condition cannot hold (nothing traded), and one whose condition always holds.
  {
    name: 'strategy-execution-signal-holds-back',
    job: jobOf('strategy_execution', 'BTCUSDT', { bot_id: 2, strategy: 'signal', quote_amount: '100', indicator: 'rsi', condition: 'above', value: 100 }),
    before: async (orm) => void (await createBot(orm, { user_id: 1, name: 'replay signal idle', strategy: 'signal', symbols: ['BTCUSDT'], budget: '1000', max_open_positions: 1, max_notional: '500', daily_loss_limit: '100', dry_run: true })),
  },
  {
    name: 'strategy-execution-signal-buys',
    job: jobOf('strategy_execution', 'BTCUSDT', { bot_id: 3, strategy: 'signal', quote_amount: '100', indicator: 'rsi', condition: 'below', value: 100 }),
    before: async (orm) => void (await createBot(orm, { user_id: 1, name: 'replay signal', strategy: 'signal', symbols: ['BTCUSDT'], budget: '1000', max_open_positions: 1, max_notional: '500', daily_loss_limit: '100', dry_run: true })),
  },
  // A signal SELL whose condition always holds, by a bot holding 0.002 BTCUSDT: sells all of it (100 of quote is more than it holds).
  { name: 'strategy-execution-signal-sells', job: async (orm) => jobOf('strategy_execution', 'BTCUSDT', { bot_id: await botHolding(orm, 50_000), strategy: 'signal', side: 'SELL', quote_amount: '100', indicator: 'rsi', condition: 'below', value: 100 }) },
  // A bot holding 0.002 BTCUSDT bought at the price (between its exits: only marked), and one that bought at 60,000 (past its stop-loss: closed by a child).
  { name: 'position-monitor-marks', job: async (orm) => positionMonitor(await botHolding(orm, 50_150)) },
  { name: 'position-monitor-closes', job: async (orm) => positionMonitor(await botHolding(orm, 60_000)) },
  // After the alerts above queued their notifications: a scheduled delivery round of the outbox.
  {
    name: 'notification-batch-delivers',
    job: { name: 'replay outbox', job_type: 'notification_batch', target: 'outbox', task_params: JOB_TYPES.notification_batch.taskParams.parse({}), cron: '0 0 1 1 *', timezone: 'UTC', enabled: true, user_id: 0 },
  },
];

const { values: args } = parseArgs({ options: { only: { type: 'string' } } });
const only = args.only?.split(',');
const run = promisify(execFile);
const cli = await ensureTemporalCli();
const outDir = join(import.meta.dirname, 'histories');
const dataDir = mkdtempSync(join(tmpdir(), 'keel-record-'));
// The open candle closes under the ticker's price, so a change_pct alert fires; the rest reads the swinging closed candles.
const binance = await startFakeBinance({ BTCUSDT: '50150.00' }, { BTCUSDT: binanceKlines(Array.from({ length: 80 }, (_, i) => 50_000 + 100 * Math.sin(i)), { openClose: 50_000 }) });
const server = await startTemporalDevServer({ port: await findFreePort(), headless: true });
const config = loadConfig({
  CONFIG_DIR: join(import.meta.dirname, '..', '..', 'config'),
  APP_ENV: 'test',
  DATA_DIR: dataDir,
  TEMPORAL_ADDRESS: server.address,
  MARKET_DATA_PROVIDER: 'binance',
  MARKET_DATA_BASE_URL: binance.url,
  LOG_LEVEL: 'warn',
});
const logger = createLogger(config, { role: 'record-histories' });
installTemporalRuntime(logger);
const platform = await bootPlatform(config, logger, { migrations: 'apply' });
const connection = await connectWorker(config.temporal);
const workers = await Promise.all(
  activeTaskQueues().map((queue) =>
    createKeelWorker({ connection, namespace: config.temporal.namespace, queue, services: createWorkerServices(config, { orm: platform.orm, temporal: platform.temporal, logger, workerId: workerIdentity(queue) }) }),
  ),
);
const scheduler = new JobScheduler({ ...platform, logger });

/** Saves the workflow's history as `<name>.json` and returns its events. */
async function recordHistory(workflowId: string, name: string): Promise<{ childWorkflowExecutionStartedEventAttributes?: { workflowExecution?: { workflowId?: string } } }[]> {
  // The CLI writes the history JSON that `temporal workflow show` and the SDK's replayer both read.
  const { stdout } = await run(cli, ['workflow', 'show', '--address', server.address, '--namespace', config.temporal.namespace, '--workflow-id', workflowId, '--output', 'json']);
  writeFileSync(join(outDir, `${name}.json`), stdout);
  process.stdout.write(`recorded ${name} (${workflowId})\n`);
  return (JSON.parse(stdout) as { events: [] }).events;
}

/** Waits for the schedule's first action (up to a minute and a half away) and for that run to end; returns its workflow ID. */
async function firstFiredRun(jobId: number): Promise<string> {
  const handle = platform.temporal.client.schedule.getHandle(`job-${jobId}`);
  for (;;) {
    const [action] = (await handle.describe()).info.recentActions;
    if (action) {
      const { workflowId } = action.action.workflow;
      await platform.temporal.client.workflow.getHandle(workflowId).result().catch(() => undefined);
      return workflowId;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

const running = workers.map((worker) => worker.run());
mkdirSync(outDir, { recursive: true });
for (const scenario of SCENARIOS.filter((scenario) => !only || only.includes(scenario.name))) {
  const job = await scheduler.create(typeof scenario.job === 'function' ? await scenario.job(platform.orm) : scenario.job);
  await scenario.before?.(platform.orm, job.id);
  let workflowId = scenario.fired ? await firstFiredRun(job.id) : '';
  for (const price of scenario.fired ? [] : (scenario.prices ?? ['50150.00'])) {
    binance.prices.set('BTCUSDT', price);
    ({ workflow_id: workflowId } = await scheduler.trigger(job.id));
    await platform.temporal.client.workflow.getHandle(workflowId).result().catch(() => undefined);
  }
  const events = await recordHistory(workflowId, scenario.name);
  // The run's child workflows (position_monitor's closes) replay too: each is saved beside it.
  const children = events.flatMap((event) => event.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId ?? []);
  for (const [index, child] of children.entries()) await recordHistory(child, `${scenario.name}-child-${index + 1}`);
  await scheduler.delete(job.id);
}
for (const worker of workers) worker.shutdown();
await Promise.all(running);

await connection.close();
await platform.close();
await server.stop();
await binance.close();
rmSync(dataDir, { recursive: true, force: true });
