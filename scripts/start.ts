import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startApi } from '../api/startApi.ts';
import { adminKeyBannerText, resolveAdminKey } from '../lib/adminKey.ts';
import { bootPlatform } from '../lib/boot.ts';
import { loadConfigOrExit, untilShutdownSignal } from '../lib/cli.ts';
import { activeTaskQueues, type TaskQueue } from '../lib/jobTypes.ts';
import { ErrorEventRecorder } from '../lib/errorEvents.ts';
import { createLogger } from '../lib/logger.ts';
import { runReconciliationOptionsOf, startRunReconciliation } from '../lib/runReconciliation.ts';
import { spawnManaged } from './childProcess.ts';
import { findFreePort } from './freePort.ts';
import { supervise, type Supervisor } from './supervisor.ts';
import { isTemporalReachable, startTemporalDevServer } from './temporalDevServer.ts';

// `npm start`: the whole platform on one machine — Temporal dev server (unless one answers), one worker per queue, the API —
// supervised (a crashed worker or dev server is restarted) and stopped in order on the first SIGINT/SIGTERM.

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(`keel: Node.js 24 or newer is required (this is ${process.version}); run it through npm start\n`);
  process.exit(1);
}

/** A worker's drain (its shutdown grace time, 10 s) plus closing its connections; then it is killed. */
const WORKER_STOP_TIMEOUT_MS = 20_000;
const WORKER_ENTRY = join(import.meta.dirname, '..', 'workers', 'main.ts');
const BOT_ENTRY = join(import.meta.dirname, '..', 'bot', 'main.ts');

const config = loadConfigOrExit();
const logger = createLogger(config, { role: 'start' });
const dataDir = resolve(config.data_dir);
mkdirSync(join(dataDir, 'logs'), { recursive: true });
// The children run in their own process groups: a Ctrl-C reaches only us, and we stop them in order.
const shutdownSignal = untilShutdownSignal((signal) => logger.warn({ signal }, 'already stopping; signal ignored so the drain can finish'));

let devServer: Supervisor | undefined;
let uiUrl = `http://${config.temporal.address.split(':')[0]}:${config.temporal.ui_port} (if that server has a UI)`;
if (await isTemporalReachable(config.temporal.address)) {
  logger.info({ address: config.temporal.address }, 'using the Temporal server that answers there');
} else {
  const [, port] = config.temporal.address.split(':');
  // The same --db-filename on every restart: schedules and runs in flight survive a crash of the server.
  const options = {
    port: Number(port),
    uiPort: config.temporal.ui_port,
    dbFile: join(dataDir, 'temporal.db'),
    namespaces: [config.temporal.namespace],
    logFile: join(dataDir, 'logs', 'temporal.log'),
    detached: true,
  };
  devServer = supervise({
    name: 'temporal dev server',
    logger,
    start: async () => {
      const server = await startTemporalDevServer(options);
      if (server.uiUrl) uiUrl = server.uiUrl;
      return server;
    },
  });
  await devServer.firstStart;
}

const workers: Supervisor[] = [];
const workerHealthUrls = new Map<TaskQueue, string>();
try {
  const platform = await bootPlatform(config, logger, { migrations: 'apply' });
  for (const queue of activeTaskQueues()) {
    // A fixed port per queue, kept across restarts, so its health URL stays what the banner printed.
    const healthPort = await findFreePort();
    workerHealthUrls.set(queue, `http://${config.worker.health_host}:${healthPort}/health/ready`);
    const env = { ...process.env, WORKER_HEALTH_PORT: String(healthPort) };
    workers.push(
      supervise({
        name: `worker ${queue}`,
        logger,
        start: () => {
          const child = spawnManaged(process.execPath, [WORKER_ENTRY, '--queue', queue], { env, detached: true, inheritOutput: true });
          return Promise.resolve({ pid: child.pid, exited: child.exited, stop: () => child.stop('SIGTERM', WORKER_STOP_TIMEOUT_MS) });
        },
      }),
    );
  }

  // The Telegram bot polls only when there is a bot to poll for.
  if (config.notify.telegram_bot_token) {
    workers.push(
      supervise({
        name: 'telegram bot',
        logger,
        start: () => {
          const child = spawnManaged(process.execPath, [BOT_ENTRY], { env: process.env, detached: true, inheritOutput: true });
          return Promise.resolve({ pid: child.pid, exited: child.exited, stop: () => child.stop('SIGTERM', WORKER_STOP_TIMEOUT_MS) });
        },
      }),
    );
  }

  const adminKey = resolveAdminKey(config);
  const api = await startApi({ config, adminKey: adminKey.key, orm: platform.orm, temporal: platform.temporal, logger });
  const errorEvents = new ErrorEventRecorder(platform.orm, logger);
  const reconciliation = startRunReconciliation({ ...platform, logger, errorEvents }, runReconciliationOptionsOf(config.reconcile));

  process.stdout.write(
    [
      '',
      'Keel is running.',
      `  API           ${api.url}`,
      `  Metrics       ${api.url}/metrics`,
      `  Temporal UI   ${uiUrl}`,
      `  Temporal      ${config.temporal.address} (namespace ${config.temporal.namespace})`,
      `  Workers       ${[...workerHealthUrls].map(([queue, url]) => `${queue} (${url})`).join(', ')}`,
      `  Telegram bot  ${config.notify.telegram_bot_token ? 'polling' : 'off (set TELEGRAM_BOT_TOKEN)'}`,
      `  Admin API key ${adminKeyBannerText(adminKey, dataDir)}`,
      `  Data          ${dataDir}`,
      '',
      `Try: curl -H 'Authorization: Bearer ${adminKey.source === 'generated' ? adminKey.key : '<admin key>'}' ${api.url}/jobs`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );

  const outcome = await Promise.race([
    shutdownSignal.then((signal) => ({ signal, error: undefined })),
    ...[devServer, ...workers].flatMap((supervisor) => (supervisor ? [supervisor.gaveUp.then((error) => ({ signal: undefined, error }))] : [])),
  ]);
  if (outcome.error) {
    logger.fatal({ err: outcome.error }, 'stopping: a part of the platform keeps failing');
    process.exitCode = 1;
  }
  logger.info({ signal: outcome.signal }, 'stopping: workers drain, then the API, then the Temporal dev server');
  // A request still retrying against Temporal when the connection closes throws from the SDK's retry timer: the dev server must still be stopped.
  process.on('uncaughtException', (error) => {
    if (/Channel has been shut down/.test(error.message)) return logger.warn({ err: error }, 'a Temporal call outlived its connection during the stop; stopping anyway');
    // Anything else is a bug: say so in the exit code, but still stop the children in order.
    logger.error({ err: error }, 'uncaught error during the stop');
    process.exitCode = 1;
  });
  await stopAll(workers);
  await step('closing the API', () => api.close());
  await step('stopping run reconciliation', () => reconciliation.stop());
  await step('writing the last error events', () => errorEvents.close());
  await step('closing the database and Temporal connections', () => platform.close());
  await stopAll(devServer ? [devServer] : []);
  logger.info('stopped');
} catch (error) {
  // The children are in groups of their own: nothing else would stop them.
  logger.fatal({ err: error }, 'start-up failed');
  await stopAll([...workers, ...(devServer ? [devServer] : [])]);
  process.exitCode = 1;
}

/** One shutdown step: a failure is logged and makes the exit code 1, but never skips the steps after it. */
async function step(what: string, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    logger.error({ err: error }, `${what} failed`);
    process.exitCode = 1;
  }
}

async function stopAll(supervisors: Supervisor[]): Promise<void> {
  await Promise.all(supervisors.map((supervisor) => step('stopping a child', () => supervisor.stop())));
}
