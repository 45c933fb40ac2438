import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { jobRoutes, type JobsDeps } from '../api/routes/jobs.ts';
import { JobRun, Trade } from '../db/entities/index.ts';
import { inTransaction, initORM, migrate, type DatabaseKind, type Orm } from '../db/orm.ts';
import { addJobSchedule } from '../db/repositories/jobSchedules.ts';
import { createBot, getBot, openPositions } from '../db/services/bots.ts';
import { dailyPerformance, listTrades, recordTrade } from '../db/services/trades.ts';
import { startPostgres } from '../scripts/postgres.ts';

// `npm run bench:db`: insert rates of JobRun and Trade rows and p50/p99 of the common reads, with 1 M JobRun rows present,
// on SQLite and PostgreSQL. Prints figures; nothing passes or fails.

const JOB_RUNS = Number(process.env.BENCH_JOB_RUNS ?? 1_000_000);
const JOBS = 1_000;
const SAMPLES = 500;

const columns = 'job_type, job_id, user_id, status, scheduled_for, enqueued_at, started_at, finished_at, job_snapshot, workflow_id';
const bulkLoad: Record<DatabaseKind, string> = {
  postgresql: `insert into job_runs (${columns}) select 'price_alert', 1 + n % ${JOBS}, 1, 'COMPLETED', now(), now(), now(), now(), '{}', 'bulk-' || n from generate_series(1, ${JOB_RUNS}) as n`,
  sqlite: `with recursive s(n) as (select 1 union all select n + 1 from s where n < ${JOB_RUNS}) insert into job_runs (${columns}) select 'price_alert', 1 + n % ${JOBS}, 1, 'COMPLETED', 0, 0, 0, 0, '{}', 'bulk-' || n from s`,
};

const run = (n: number, prefix: string) => ({ job_type: 'price_alert', job_id: 1 + (n % JOBS), user_id: 1, status: 'COMPLETED' as const, enqueued_at: new Date(), job_snapshot: {}, workflow_id: `${prefix}-${n}` });

async function rate(label: string, rows: number, work: () => Promise<void>): Promise<void> {
  const started = performance.now();
  await work();
  console.log(`  ${label.padEnd(42)} ${Math.round(rows / ((performance.now() - started) / 1000))} rows/s`);
}

async function latency(label: string, work: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 20; i++) await work(i);
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    await work(i);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!.toFixed(2);
  console.log(`  ${label.padEnd(42)} p50 ${at(0.5)} ms  p99 ${at(0.99)} ms`);
}

async function bench(kind: DatabaseKind, orm: Orm): Promise<void> {
  console.log(`\n${kind}`);
  await migrate(orm);
  const loadStarted = performance.now();
  await orm.em.getConnection().execute(bulkLoad[kind]);
  console.log(`  bulk-loaded ${JOB_RUNS} job_runs in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
  const jobId = await inTransaction(orm, async (em) => {
    const job = addJobSchedule(em, { user_id: 1, name: 'bench', job_type: 'price_alert', target: 'BTCUSDT', task_params: {}, cron: '* * * * *', timezone: 'UTC', enabled: true });
    await em.flush();
    return job.id;
  });

  await rate('JobRun insert, one per transaction', 500, async () => {
    for (let n = 0; n < 500; n++) await inTransaction(orm, (em) => Promise.resolve(em.create(JobRun, run(n, 'single'))));
  });
  await rate('JobRun insert, 1000 per transaction', 10_000, async () => {
    for (let batch = 0; batch < 10; batch++) await inTransaction(orm, (em) => em.insertMany(JobRun, Array.from({ length: 1000 }, (_, n) => run(batch * 1000 + n, 'batch'))));
  });

  const bot = await createBot(orm, { user_id: 1, name: 'bench', strategy: 'dca', symbols: ['BTCUSDT'], budget: '1000000', max_open_positions: 5, max_notional: '1000', daily_loss_limit: '100', dry_run: true });
  const fill = (n: number) => ({ bot_id: bot.id, symbol: 'BTCUSDT', side: 'BUY' as const, quantity: '0.001', price: '60000', fee: '0.06', client_order_id: `single-${n}`, executed_at: new Date() });
  await rate('Trade via recordTrade (position + performance)', 500, async () => {
    for (let n = 0; n < 500; n++) await recordTrade(orm, fill(n));
  });
  await rate('Trade insert, 1000 per transaction', 10_000, async () => {
    for (let batch = 0; batch < 10; batch++) {
      await inTransaction(orm, (em) => em.insertMany(Trade, Array.from({ length: 1000 }, (_, n) => ({ ...fill(n), bot: bot.id, client_order_id: `batch-${batch}-${n}`, status: 'FILLED' as const }))));
    }
  });

  await latency('getBot (bot + open positions)', () => getBot(orm, bot.id));
  await latency('openPositions', () => openPositions(orm, bot.id));
  await latency('listTrades, first page of 50', () => listTrades(orm, bot.id, { limit: 50 }));
  await latency('dailyPerformance', () => dailyPerformance(orm, bot.id, new Date().toISOString().slice(0, 10)));
  // The real route (validation, transaction, views), in process: no socket, no auth middleware.
  const app = new Hono().route('/jobs', jobRoutes({ orm } as unknown as JobsDeps));
  await latency(`GET /jobs/{id}/runs?limit=50 (${Math.round(JOB_RUNS / JOBS)} runs of the job)`, async () => {
    const response = await app.request(`/jobs/${jobId}/runs?limit=50`);
    if (response.status !== 200) throw new Error(`GET runs answered ${response.status}`);
    await response.arrayBuffer();
  });
  await latency('GET /jobs/{id}/runs?status=FAILED (none match)', async () => {
    const response = await app.request(`/jobs/${jobId}/runs?limit=50&status=FAILED`);
    if (response.status !== 200) throw new Error(`GET runs answered ${response.status}`);
    await response.arrayBuffer();
  });
}

const dir = mkdtempSync(join(tmpdir(), 'keel-bench-db-'));
const sqlite = await initORM({ url: `sqlite:${join(dir, 'keel.db')}` });
try {
  await bench('sqlite', sqlite);
} finally {
  await sqlite.close();
  rmSync(dir, { recursive: true, force: true });
}
const postgres = await startPostgres();
const pg = await initORM({ url: postgres.url });
try {
  await bench('postgresql', pg);
} finally {
  await pg.close();
  await postgres.stop();
}
