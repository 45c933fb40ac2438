import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
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
import { JOB_TYPES } from '../../lib/jobTypes.ts';
import type { NewJobSchedule } from '../../db/repositories/jobSchedules.ts';
import { binanceKlines, startFakeBinance } from '../helpers/fakeBinance.ts';

// `npm run test:record-histories`: runs every scenario below for real and saves each run's history under
// test/replay/histories/, which the replay test replays against the current workflow code on every test run.

/** A price alert job as the API stores it: params parsed by the job type's schema. */
function priceAlert(target: string, params: Record<string, unknown>): NewJobSchedule {
  const task_params = JOB_TYPES.price_alert.taskParams.parse(params);
  return { name: `replay ${target}`, job_type: 'price_alert', target, task_params, cron: '0 0 1 1 *', timezone: 'UTC', enabled: true, user_id: 1 };
}

/** An indicator alert job as the API stores it. */
function indicatorAlert(target: string, params: Record<string, unknown>): NewJobSchedule {
  const task_params = JOB_TYPES.indicator_alert.taskParams.parse(params);
  return { name: `replay ${target}`, job_type: 'indicator_alert', target, task_params, cron: '0 0 1 1 *', timezone: 'UTC', enabled: true, user_id: 1 };
}

/** One recorded run: a job created and triggered once. Add one when you add a job type or a path through a workflow. */
const SCENARIOS = [
  { name: 'price-alert-fires', job: priceAlert('BTCUSDT', { condition: 'above', value: 1 }) },
  { name: 'price-alert-holds-back', job: priceAlert('BTCUSDT', { condition: 'below', value: 1 }) },
  { name: 'price-alert-invalid-symbol', job: priceAlert('NOPEUSDT', { condition: 'above', value: 1 }) },
  { name: 'indicator-alert-fires', job: indicatorAlert('BTCUSDT', { indicator: 'rsi', condition: 'below', value: 100 }) },
  { name: 'indicator-alert-holds-back', job: indicatorAlert('BTCUSDT', { indicator: 'rsi', condition: 'above', value: 100 }) },
  // After the alerts above queued their notifications: a scheduled delivery round of the outbox.
  {
    name: 'notification-batch-delivers',
    job: { name: 'replay outbox', job_type: 'notification_batch', target: 'outbox', task_params: JOB_TYPES.notification_batch.taskParams.parse({}), cron: '0 0 1 1 *', timezone: 'UTC', enabled: true, user_id: 0 },
  },
];

const run = promisify(execFile);
const cli = await ensureTemporalCli();
const outDir = join(import.meta.dirname, 'histories');
const dataDir = mkdtempSync(join(tmpdir(), 'keel-record-'));
const binance = await startFakeBinance({ BTCUSDT: '50150.00' }, { BTCUSDT: binanceKlines(Array.from({ length: 80 }, (_, i) => 50_000 + 100 * Math.sin(i))) });
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
const workerOn = (queue: 'alerts' | 'notifications') =>
  createKeelWorker({
    connection,
    namespace: config.temporal.namespace,
    queue,
    services: createWorkerServices(config, { orm: platform.orm, temporal: platform.temporal, logger, workerId: workerIdentity(queue) }),
  });
const worker = await workerOn('alerts');
const notificationsWorker = await workerOn('notifications');
const scheduler = new JobScheduler({ ...platform, logger });

await worker.runUntil(() => notificationsWorker.runUntil(async () => {
  mkdirSync(outDir, { recursive: true });
  for (const scenario of SCENARIOS) {
    const job = await scheduler.create(scenario.job);
    const { workflow_id } = await scheduler.trigger(job.id);
    const handle = platform.temporal.client.workflow.getHandle(workflow_id);
    await handle.result().catch(() => undefined);
    // The CLI writes the history JSON that `temporal workflow show` and the SDK's replayer both read.
    const { stdout } = await run(cli, ['workflow', 'show', '--address', server.address, '--namespace', config.temporal.namespace, '--workflow-id', workflow_id, '--output', 'json']);
    writeFileSync(join(outDir, `${scenario.name}.json`), stdout);
    process.stdout.write(`recorded ${scenario.name} (${workflow_id})\n`);
    await scheduler.delete(job.id);
  }
}));

await connection.close();
await platform.close();
await server.stop();
await binance.close();
rmSync(dataDir, { recursive: true, force: true });
