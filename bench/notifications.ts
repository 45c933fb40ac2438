import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Notification } from '../db/entities/index.ts';
import { inTransaction } from '../db/orm.ts';
import { putSetting } from '../db/repositories/settings.ts';
import { bootPlatform } from '../lib/boot.ts';
import { loadConfig } from '../lib/config.ts';
import { createLogger } from '../lib/logger.ts';
import { installTemporalRuntime } from '../lib/temporalRuntime.ts';
import { kickDelivery } from '../notifications/kick.ts';
import { enqueueNotification } from '../notifications/outbox.ts';
import { findFreePort } from '../scripts/freePort.ts';
import { startTemporalDevServer } from '../scripts/temporalDevServer.ts';
import { startLoopbackServer } from '../test/helpers/httpServer.ts';
import { connectWorker, createKeelWorker, workerIdentity } from '../workers/createWorker.ts';
import { createWorkerServices } from '../workers/services.ts';

// `npm run bench:notifications [-- --backlog 2000 --paced 300 --rate 20]`: deliveries per second through the outbox
// (enqueue → notification_batch worker → webhook) to a local receiver, with one recipient failing every call beside
// five healthy ones; then alert fire (the enqueue a workflow does) → delivery latency at a steady rate. The baseline
// is the same receiver POSTed directly, 8 at a time (what the outbox's delivery does per round), without the outbox.

const { values } = parseArgs({ options: { backlog: { type: 'string', default: '2000' }, paced: { type: 'string', default: '300' }, rate: { type: 'string', default: '20' } } });
const BACKLOG = Number(values.backlog);
const PACED = Number(values.paced);
const RATE = Number(values.rate);
const HEALTHY = 5;

const accepted = new Map<string, number>();
let refused = 0;
const receiver = await startLoopbackServer((req, _body, res) => {
  if (req.url === '/fail') {
    refused += 1;
    res.writeHead(503).end();
    return;
  }
  accepted.set(String(req.headers['idempotency-key']), performance.now());
  res.writeHead(204).end();
});

const dir = mkdtempSync(join(tmpdir(), 'keel-bench-'));
const server = await startTemporalDevServer({ port: await findFreePort(), headless: true, namespaces: ['default'] });
const config = loadConfig({
  CONFIG_DIR: join(import.meta.dirname, '..', 'config'),
  APP_ENV: 'test',
  DATA_DIR: dir,
  TEMPORAL_ADDRESS: server.address,
  LOG_LEVEL: 'error',
  NOTIFY_CHANNEL: 'webhook',
  NOTIFY_WEBHOOK_URL: `${receiver.url}/ok/0`,
});
const logger = createLogger(config, { role: 'bench' });
installTemporalRuntime(logger);
const platform = await bootPlatform(config, logger, { migrations: 'apply' });
const { orm, temporal } = platform;
await inTransaction(orm, async (em) => {
  for (let user = 1; user < HEALTHY; user++) await putSetting(em, user, 'webhook_url', `${receiver.url}/ok/${user}`);
  await putSetting(em, HEALTHY, 'webhook_url', `${receiver.url}/fail`);
});
const connection = await connectWorker(config.temporal);
const worker = await createKeelWorker({ connection, namespace: config.temporal.namespace, queue: 'notifications', services: createWorkerServices(config, { orm, logger, temporal, workerId: workerIdentity('notifications') }) });
const running = worker.run();

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const notification = (key: string, n: number) => ({ idempotency_key: key, title: 'Bench', text: `n ${n}`, job_id: 1, user_id: n % (HEALTHY + 1), data: { n } });
const healthyKeys = (prefix: string, count: number) => Array.from({ length: count }, (_, n) => n).filter((n) => n % (HEALTHY + 1) !== HEALTHY).map((n) => `${prefix}-${n}`);

// Baseline: the receiver POSTed directly, 8 at a time.
const baselineStarted = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    while (next < BACKLOG) {
      const n = next++;
      await fetch(`${receiver.url}/ok/${n % HEALTHY}`, { method: 'POST', headers: { 'idempotency-key': `baseline-${n}`, 'content-type': 'application/json' }, body: JSON.stringify(notification(`baseline-${n}`, n)) });
    }
  }),
);
const baselinePerSecond = BACKLOG / ((performance.now() - baselineStarted) / 1000);

// Throughput: a backlog written first, then one kick; the clock runs from the kick to the last healthy delivery.
for (let n = 0; n < BACKLOG; n++) await enqueueNotification(orm, config.notify, notification(`backlog-${n}`, n));
const backlogHealthy = healthyKeys('backlog', BACKLOG);
const kicked = performance.now();
await kickDelivery(temporal, logger);
while (!backlogHealthy.every((key) => accepted.has(key))) await new Promise((resolve) => setTimeout(resolve, 20));
const deliveredPerSecond = backlogHealthy.length / ((Math.max(...backlogHealthy.map((key) => accepted.get(key)!)) - kicked) / 1000);

// Latency: notifications at a steady rate, each timed from its enqueue + kick (what sendNotification does when an alert fires).
const firedAt = new Map<string, number>();
for (let n = 0; n < PACED; n++) {
  const key = `paced-${n}`;
  firedAt.set(key, performance.now());
  await enqueueNotification(orm, config.notify, notification(key, n));
  await kickDelivery(temporal, logger);
  await new Promise((resolve) => setTimeout(resolve, 1000 / RATE));
}
const pacedHealthy = healthyKeys('paced', PACED);
while (!pacedHealthy.every((key) => accepted.has(key))) await new Promise((resolve) => setTimeout(resolve, 20));
const latencies = pacedHealthy.map((key) => accepted.get(key)! - firedAt.get(key)!).toSorted((a, b) => a - b);
const failing = await inTransaction(orm, (em) => em.find(Notification, { user_id: HEALTHY, status: 'pending' }));

process.stdout.write(
  [
    `notifications bench (SQLite, one notifications worker, ${HEALTHY} healthy recipients + 1 failing every call)`,
    `  baseline: direct POSTs, 8 at a time        ${baselinePerSecond.toFixed(0)} /s`,
    `  outbox: backlog of ${BACKLOG}, healthy delivered   ${deliveredPerSecond.toFixed(0)} deliveries/s (ratio ${(deliveredPerSecond / baselinePerSecond).toFixed(2)} to baseline)`,
    `  alert fire → delivery at ${RATE}/s (${pacedHealthy.length} healthy)  p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms, max ${latencies.at(-1)!.toFixed(0)} ms`,
    `  failing recipient: ${refused} refused calls; ${failing.length} of its notifications waiting, at most ${Math.max(0, ...failing.map((row) => row.attempts))} attempts each (backing off)`,
    '',
  ].join('\n'),
);

worker.shutdown();
await running;
await connection.close();
await platform.close();
await server.stop();
await receiver.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
