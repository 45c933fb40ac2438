import { parseArgs } from 'node:util';
import { scheduleIdFor } from '../workflows/names.ts';
import { HttpError, machineLine, percentile, runAll, startBenchPlatform } from './harness.ts';

// `npm run bench:schedules [-- --jobs 1000 --concurrency 8 --db sqlite|postgresql|both]`: the lifecycle of many jobs
// through the HTTP API: create them, reconcile after Temporal lost and changed some behind Keel's back, read their fire
// ledgers, delete them. Each database gets its own dev server.

const { values } = parseArgs({
  options: { jobs: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '8' }, db: { type: 'string', default: 'sqlite' } },
});
const JOBS = Number(values.jobs);
const CONCURRENCY = Number(values.concurrency);
const DATABASES = values.db === 'both' ? (['sqlite', 'postgresql'] as const) : ([values.db as 'sqlite' | 'postgresql'] as const);
/** Fires every minute but paused: every schedule is real and has a ledger, and none starts a workflow. */
const CRON = '* * * * *';
const DRIFTED_CRON = '*/7 * * * *';

// Each figure is printed as soon as it is known.
const lines = { push: (line: string) => process.stdout.write(`${line}\n`) };
lines.push(`${machineLine()}; ${JOBS} jobs, ${CONCURRENCY} requests in flight`);
const rate = (count: number, ms: number) => `${((count / ms) * 1000).toFixed(0)}/s`;
const latency = (latencies: number[]) => `p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms`;

for (const db of DATABASES) {
  // No periodic reconcile pass during the bench: only the one it times.
  const bench = await startBenchPlatform({ db, env: { TEST_SCHEDULES_RECONCILE_MS: '3600000' } });
  try {
    lines.push(`${db}:`);
    const ids: number[] = [];
    let started = performance.now();
    // A request refused under overload (a 5xx) is counted, not fatal: how many is part of the figure.
    let refused = 0;
    const created = await runAll(JOBS, CONCURRENCY, async (index) => {
      const job = await bench.call('POST', '/jobs', {
        name: `bench-${index}`,
        job_type: 'price_alert',
        target: 'BTCUSDT',
        task_params: { condition: 'above', value: 1 },
        cron: CRON,
        enabled: false,
        user_id: 1 + (index % 50),
      }).catch((error: unknown) => {
        if (!(error instanceof HttpError && error.status >= 500)) throw error;
        refused++;
        return undefined;
      });
      if (job) ids.push(job.id as number);
    });
    lines.push(`  create        ${ids.length} jobs (${refused} refused) in ${((performance.now() - started) / 1000).toFixed(1)} s: ${rate(JOBS, performance.now() - started)} (${latency(created)})`);

    // 10 % deleted and 10 % drifted behind Keel's back, as the temporal CLI would.
    const tenth = Math.floor(ids.length / 10);
    const missing = ids.slice(0, tenth);
    const drifted = ids.slice(tenth, 2 * tenth);
    const schedules = bench.temporal.client.schedule;
    await runAll(missing.length, CONCURRENCY, (index) => schedules.getHandle(scheduleIdFor(missing[index]!)).delete());
    await runAll(drifted.length, CONCURRENCY, (index) =>
      schedules.getHandle(scheduleIdFor(drifted[index]!)).update((previous) => ({ ...previous, spec: { cronExpressions: [DRIFTED_CRON] } })),
    );
    started = performance.now();
    const repaired = await bench.call('POST', '/jobs/reconcile');
    const reconcileMs = performance.now() - started;
    const counts = (key: string) => (repaired[key] as unknown[]).length;
    lines.push(`  reconcile     ${(reconcileMs / 1000).toFixed(1)} s for ${ids.length} jobs (${counts('recreated')} recreated, ${counts('updated')} updated, ${counts('deleted')} deleted)`);
    started = performance.now();
    const again = await bench.call('POST', '/jobs/reconcile');
    const changedAgain = ['recreated', 'updated', 'deleted'].reduce((sum, key) => sum + (again[key] as unknown[]).length, 0);
    lines.push(`  reconcile     ${((performance.now() - started) / 1000).toFixed(1)} s again, nothing to repair (${changedAgain} changes)`);

    // Every fire of the last hour, page by page; the route comes with the fire ledger.
    const to = new Date();
    const from = new Date(to.getTime() - 3_600_000);
    let fires = 0;
    started = performance.now();
    try {
      const listed = await runAll(ids.length, CONCURRENCY, async (index) => {
        let cursor: string | undefined;
        do {
          const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), ...(cursor ? { cursor } : {}) });
          const page = await bench.call('GET', `/jobs/${ids[index]!}/fires?${query.toString()}`);
          fires += (page.items as unknown[]).length;
          cursor = (page.next_cursor as string | null) ?? undefined;
        } while (cursor);
      });
      lines.push(`  list fires    ${ids.length} jobs, ${fires} fires of the last hour in ${((performance.now() - started) / 1000).toFixed(1)} s: ${rate(ids.length, performance.now() - started)} jobs (${latency(listed)})`);
    } catch (error) {
      if (!(error instanceof HttpError && error.status === 404)) throw error;
      lines.push('  list fires    n/a (route missing)');
    }

    started = performance.now();
    const deleted = await runAll(ids.length, CONCURRENCY, (index) => bench.call('DELETE', `/jobs/${ids[index]!}`));
    lines.push(`  delete        ${ids.length} jobs in ${((performance.now() - started) / 1000).toFixed(1)} s: ${rate(ids.length, performance.now() - started)} (${latency(deleted)})`);
  } finally {
    await bench.stop();
  }
}
// The Temporal runtime's threads keep the process alive after every connection closed.
process.exit(0);
