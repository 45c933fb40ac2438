import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from '@temporalio/worker';
import { startApi } from '../api/startApi.ts';
import { JobRun } from '../db/entities/index.ts';
import { inTransaction } from '../db/orm.ts';
import { bootPlatform } from '../lib/boot.ts';
import { loadConfig } from '../lib/config.ts';
import { createLogger } from '../lib/logger.ts';
import { installTemporalRuntime } from '../lib/temporalRuntime.ts';
import { findFreePort } from '../scripts/freePort.ts';
import { startTemporalDevServer } from '../scripts/temporalDevServer.ts';
import { connectWorker, createKeelWorker, workerIdentity } from '../workers/createWorker.ts';
import { createWorkerServices } from '../workers/services.ts';
import { createBaselineActivities } from './baselineActivities.ts';

// `npm run bench:throughput [-- --runs 300 --concurrency 32 --rounds 3]`: price alerts triggered through the HTTP API and
// completed end to end (run recorded, price read, notification sent), against a bare workflow running the same two
// activities as no-ops, on the same dev server, in the same process, in alternating rounds.

const { values } = parseArgs({ options: { runs: { type: 'string', default: '300' }, concurrency: { type: 'string', default: '32' }, rounds: { type: 'string', default: '3' } } });
const RUNS = Number(values.runs);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);
const ADMIN_KEY = 'bench-admin-key';

const dir = mkdtempSync(join(tmpdir(), 'keel-bench-'));
const server = await startTemporalDevServer({ port: await findFreePort(), headless: true, namespaces: ['default'] });
const config = loadConfig({
  CONFIG_DIR: join(import.meta.dirname, '..', 'config'),
  APP_ENV: 'test',
  DATA_DIR: dir,
  TEMPORAL_ADDRESS: server.address,
  API_PORT: '0',
  API_ADMIN_KEY: ADMIN_KEY,
  LOG_LEVEL: 'error',
});
const logger = createLogger(config, { role: 'bench' });
installTemporalRuntime(logger);
const platform = await bootPlatform(config, logger, { migrations: 'apply' });
const { orm, temporal } = platform;
const connection = await connectWorker(config.temporal);

/** Runs `count` tasks with at most CONCURRENCY in flight; returns each one's latency in ms. */
async function runAll(count: number, task: (index: number) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const index = next++;
      const started = performance.now();
      await task(index);
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, lane));
  return latencies;
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;

interface Measured {
  name: string;
  perSecond: number;
  p50: number;
  p95: number;
  /** CPU milliseconds per run: this process (API, worker, bench) and the dev server. */
  cpuPerRun: { keel: number; server: number };
}

/** The dev server's CPU time so far in ms, from /proc (Linux); NaN elsewhere. */
function serverCpuMs(): number {
  try {
    const fields = readFileSync(`/proc/${String(server.pid)}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in USER_HZ (100 on Linux)
  } catch {
    return Number.NaN;
  }
}

async function measure(name: string, task: (index: number) => Promise<void>): Promise<Measured> {
  await runAll(Math.min(20, RUNS), task); // warm-up: bundles loaded, caches filled
  const started = performance.now();
  const cpuBefore = { keel: process.cpuUsage(), server: serverCpuMs() };
  const latencies = await runAll(RUNS, task);
  const seconds = (performance.now() - started) / 1000;
  const keelCpu = process.cpuUsage(cpuBefore.keel);
  const cpuPerRun = { keel: (keelCpu.user + keelCpu.system) / 1000 / RUNS, server: (serverCpuMs() - cpuBefore.server) / RUNS };
  return { name, perSecond: RUNS / seconds, p50: percentile(latencies, 50), p95: percentile(latencies, 95), cpuPerRun };
}

// Baseline: a bare workflow with the price alert's two activities as no-ops, started and awaited through the client.
const baselineWorker = await Worker.create({
  connection,
  namespace: config.temporal.namespace,
  taskQueue: 'bench-baseline',
  workflowsPath: join(import.meta.dirname, 'baselineWorkflow.ts'),
  activities: createBaselineActivities(),
});
const baselineRun = (index: number) =>
  temporal.client.workflow.execute('baselineWorkflow', { taskQueue: 'bench-baseline', workflowId: `baseline-${index}-${Date.now()}`, args: ['BTCUSDT'] });

// Keel: POST /jobs/{id}/trigger, then wait for the JobRun to be COMPLETED.
const worker = await createKeelWorker({
  connection,
  namespace: config.temporal.namespace,
  queue: 'alerts',
  services: createWorkerServices(config, { orm, temporal, logger, workerId: workerIdentity('alerts') }),
});
const api = await startApi({ config, adminKey: ADMIN_KEY, orm, temporal, logger });
const call = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
};
const job = await call('POST', '/jobs', {
  name: 'bench',
  job_type: 'price_alert',
  target: 'BTCUSDT',
  task_params: { condition: 'above', value: 1 },
  cron: '0 0 1 1 *',
  user_id: 1,
});
// The run is recorded COMPLETED before its workflow completes, so the workflow's result is the moment to count it done;
// the rows are checked after each round, in one query, so the check is not timed as Keel's work.
const triggeredRunIds: number[] = [];
const keelRun = async () => {
  const { workflow_id, run_id } = await call('POST', `/jobs/${String(job.id)}/trigger`);
  await temporal.client.workflow.getHandle(workflow_id as string).result();
  triggeredRunIds.push(run_id as number);
};
const assertAllCompleted = async () => {
  const ids = triggeredRunIds.splice(0);
  const completed = await inTransaction(orm, (em) => em.count(JobRun, { run_id: { $in: ids }, status: 'COMPLETED' }));
  if (completed !== ids.length) throw new Error(`${ids.length - completed} of ${ids.length} runs did not end COMPLETED`);
};

// Both workers poll throughout; the rounds alternate (and swap which goes first), so drift of the machine hits both alike.
const workersRunning = Promise.all([baselineWorker.run(), worker.run()]);
const rounds: { baseline: Measured; keel: Measured }[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const measureBaseline = () => measure('bare workflow, price + notify no-ops', baselineRun);
  const measureKeel = async () => {
    const measured = await measure('price alert via HTTP trigger, recorded run', keelRun);
    await assertAllCompleted();
    return measured;
  };
  if (round % 2 === 0) {
    const baseline = await measureBaseline();
    rounds.push({ baseline, keel: await measureKeel() });
  } else {
    const keel = await measureKeel();
    rounds.push({ baseline: await measureBaseline(), keel });
  }
}
baselineWorker.shutdown();
worker.shutdown();
await workersRunning;

const rss = process.memoryUsage().rss / 2 ** 20;
const format = (r: Measured) => `  ${r.name.padEnd(44)} ${r.perSecond.toFixed(1).padStart(7)} runs/s   p50 ${r.p50.toFixed(0).padStart(4)} ms   p95 ${r.p95.toFixed(0).padStart(4)} ms   cpu/run ${r.cpuPerRun.keel.toFixed(1)} ms here + ${r.cpuPerRun.server.toFixed(1)} ms server`;
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
process.stdout.write(
  [
    `runs ${RUNS} per round, concurrency ${CONCURRENCY}, ${ROUNDS} alternating rounds, SQLite, Temporal dev server (in-memory), one process`,
    ...rounds.flatMap(({ baseline, keel }, index) => [`round ${index + 1}`, format(baseline), format(keel), `  ratio keel/baseline ${(keel.perSecond / baseline.perSecond).toFixed(2)}`]),
    `mean: baseline ${mean(rounds.map((r) => r.baseline.perSecond)).toFixed(1)} runs/s, keel ${mean(rounds.map((r) => r.keel.perSecond)).toFixed(1)} runs/s, ` +
      `ratio ${(mean(rounds.map((r) => r.keel.perSecond)) / mean(rounds.map((r) => r.baseline.perSecond))).toFixed(2)}   rss ${rss.toFixed(0)} MiB`,
    '',
  ].join('\n'),
);

await temporal.client.schedule.getHandle(`job-${String(job.id)}`).delete();
await api.close();
await connection.close();
await platform.close();
await server.stop();
rmSync(dir, { recursive: true, force: true });
