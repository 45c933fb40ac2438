import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ErrorEvent } from '../db/entities/index.ts';
import { initORM, migrate, type Orm } from '../db/orm.ts';
import { DatabaseBreakerStore } from '../db/repositories/circuitBreakers.ts';
import { loadConfig } from '../lib/config.ts';
import { ErrorEventRecorder, newEventId } from '../lib/errorEvents.ts';
import { networkError } from '../lib/errors.ts';
import { createLogger } from '../lib/logger.ts';
import { CircuitBreakers } from '../lib/resilience.ts';

// `npm run bench:resilience [-- --db-url postgresql://… --workers 4]`: what resilience costs the caller.
// 1. a call through a CLOSED breaker beside the same call unprotected, alternated in one process;
// 2. ErrorEventRecorder.record() as its caller sees it, beside awaiting a one-row insert;
// 3. from a dependency failing to every worker's breaker OPEN, with each "worker" on its own ORM (connection).

const { values } = parseArgs({ options: { 'db-url': { type: 'string' }, workers: { type: 'string', default: '4' } } });
const dir = mkdtempSync(join(tmpdir(), 'keel-bench-resilience-'));
const dbUrl = values['db-url'] ?? `sqlite:${join(dir, 'keel.db')}`;
const config = loadConfig({ CONFIG_DIR: join(import.meta.dirname, '..', 'config'), APP_ENV: 'test', DATA_DIR: dir, DB_URL: dbUrl, LOG_LEVEL: 'silent' });
const logger = createLogger(config, { role: 'bench' });
const orm = await initORM(config.db, logger);
await migrate(orm);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

// 1. CLOSED breaker vs unprotected.
{
  const breakers = new CircuitBreakers({ configs: config.error_handling.circuit_breakers, store: new DatabaseBreakerStore(orm) });
  const dependency = () => Promise.resolve(1);
  const CALLS = 1_000_000;
  const timeLoop = async (call: () => Promise<number>) => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < CALLS; i++) await call();
    return Number(process.hrtime.bigint() - started) / CALLS;
  };
  const bare: number[] = [];
  const protectedCalls: number[] = [];
  for (let round = 0; round < 7; round++) {
    bare.push(await timeLoop(dependency));
    protectedCalls.push(await timeLoop(() => breakers.execute('market_data', dependency)));
  }
  const added = median(protectedCalls) - median(bare);
  console.log(`closed breaker: ${median(protectedCalls).toFixed(0)} ns/call, unprotected ${median(bare).toFixed(0)} ns/call (medians of 7 rounds × ${CALLS}); added ${added.toFixed(0)} ns (aim < 1000), ratio ${(median(protectedCalls) / median(bare)).toFixed(2)}`);
  breakers.close();
}

// 2. Recording an ErrorEvent, as the caller sees it.
{
  const recorder = new ErrorEventRecorder(orm, logger);
  const error = networkError('connection reset by the bench');
  const EVENTS = 50_000;
  const costs: number[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const started = performance.now();
    recorder.record({ component: 'bench', error, context: { i } });
    costs.push((performance.now() - started) * 1000);
    // Yield now and then so the batches are written while the caller goes on, as in a worker.
    if (i % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await recorder.close();
  const written = await orm.em.fork().count(ErrorEvent, { component: 'bench' });
  costs.sort((a, b) => a - b);
  const direct: number[] = [];
  for (let i = 0; i < 200; i++) {
    const started = performance.now();
    await orm.em.fork().insert(ErrorEvent, { event_id: newEventId(), timestamp: new Date(), severity: 'error', component: 'bench_direct', error_type: 'NetworkError', message: 'direct', resolved: false });
    direct.push((performance.now() - started) * 1000);
  }
  direct.sort((a, b) => a - b);
  console.log(`error event record(): p50 ${percentile(costs, 50).toFixed(1)} µs, p99 ${percentile(costs, 99).toFixed(1)} µs, max ${costs.at(-1)!.toFixed(0)} µs (aim p99 < 1000 µs); awaiting a one-row insert instead: p50 ${percentile(direct, 50).toFixed(0)} µs, p99 ${percentile(direct, 99).toFixed(0)} µs; ratio of p99s ${(percentile(direct, 99) / percentile(costs, 99)).toFixed(0)}×; ${written} of ${EVENTS} recorded rows written`);
}

// 3. Dependency failing → every worker's breaker OPEN.
{
  const WORKERS = Number(values.workers);
  const syncMs = config.error_handling.circuit_breaker_sync_ms;
  const threshold = config.error_handling.circuit_breakers.market_data!.failure_threshold;
  const orms: Orm[] = [];
  for (let i = 0; i < WORKERS; i++) orms.push(await initORM(config.db, logger));
  const workers = orms.map((workerOrm) => new CircuitBreakers({ configs: config.error_handling.circuit_breakers, store: new DatabaseBreakerStore(workerOrm), syncIntervalMs: syncMs, logger }));
  const failing = () => Promise.reject(networkError('down'));
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    await workers[0]!.force('market_data', 'closed');
    await Promise.all(workers.map((worker) => worker.sync()));
    const started = performance.now();
    // The first worker meets the failures (one a millisecond); the others learn from the table.
    for (let i = 0; i < threshold; i++) {
      await workers[0]!.execute('market_data', failing).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    while (!workers.every((worker) => worker.stateOf('market_data') === 'open')) await new Promise((resolve) => setTimeout(resolve, 1));
    times.push(performance.now() - started);
  }
  console.log(`dependency failing → all ${WORKERS} workers OPEN: median ${median(times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms over 5 rounds (threshold ${threshold} failures 1 ms apart, sync every ${syncMs} ms)`);
  for (const worker of workers) worker.close();
  for (const workerOrm of orms) await workerOrm.close();
}

await orm.close();
rmSync(dir, { recursive: true, force: true });
