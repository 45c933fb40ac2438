import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWorker, createKeelWorker, workerIdentity } from '../../workers/createWorker.ts';
import { createWorkerServices } from '../../workers/services.ts';
import { fireTimesBetween } from '../../lib/fires/fireLedger.ts';
import { createLogger } from '../../lib/logger.ts';
import { DATABASE_KINDS } from '../helpers/databases.ts';
import { sendJson, startLoopbackServer, type LoopbackServer } from '../helpers/httpServer.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

/** Fake Binance price and webhook target in one, each price held back `delayMs`: a price alert's run lasts about delayMs. */
async function startSlowServices(delayMs: number): Promise<LoopbackServer & { notifications: Record<string, any>[] }> {
  const notifications: Record<string, any>[] = [];
  const server = await startLoopbackServer((req, body, res) => {
    if (req.method === 'POST') {
      notifications.push(JSON.parse(body) as Record<string, any>);
      res.writeHead(204).end();
      return;
    }
    setTimeout(() => sendJson(res, 200, { symbol: 'BTCUSDT', price: '50000.00' }), delayMs);
  });
  return { ...server, notifications };
}

/** Fires every 5 s; the test says what its runs do. */
const everyFiveSeconds = (overrides: Record<string, unknown>) => priceAlertJob({ cron: '*/5 * * * * * *', user_id: 41, ...overrides });
/** An alert that triggers (so it notifies the owner through the outbox), or one that never does; each run waits ~6.5 s for its price, longer than a fire interval. */
const SLOW_RUN = { task_params: { condition: 'above', value: 1 } };
const QUICK_RUN = { task_params: { condition: 'above', value: 10_000_000 } };

const FIRE_ENV = { FIRES_GRACE_MS: '3000', FIRES_LEDGER_INTERVAL_MS: '1000', FIRES_WATCH_INTERVAL_MS: '500', FIRES_NOTIFY_INTERVAL_MS: '600000' };

async function firesOf(platform: TestPlatform, jobId: number): Promise<Record<string, any>[]> {
  const page = await platform.api('GET', `/jobs/${jobId}/fires?from=${new Date(Date.now() - 3_600_000).toISOString()}&limit=200`);
  expect(page.status).toBe(200);
  return page.body.items as Record<string, any>[];
}

/** Waits until the job's ledger holds fires matching `enough`. */
function settledFires(platform: TestPlatform, jobId: number, enough: (fires: Record<string, any>[]) => boolean): Promise<Record<string, any>[]> {
  return eventually(
    async () => {
      const fires = await firesOf(platform, jobId);
      return enough(fires) ? fires : undefined;
    },
    { timeoutMs: 50_000, intervalMs: 500 },
  );
}

/** Creates the job, runs the test on it, and deletes it whatever happened: a fast schedule must not outlive its test. */
async function withJob(platform: TestPlatform, body: Record<string, unknown>, test: (jobId: number) => Promise<void>): Promise<void> {
  const created = await platform.api('POST', '/jobs', body);
  expect(created.status).toBe(201);
  try {
    await test(created.body.id as number);
  } finally {
    await platform.api('DELETE', `/jobs/${created.body.id}`);
  }
}

const withOutcome = (outcome: string) => (fires: Record<string, any>[]) => fires.filter((fire) => fire.outcome === outcome);

describe.each(DATABASE_KINDS)('the fire ledger on %s, with a worker', (db) => {
  let platform: TestPlatform;
  let services: Awaited<ReturnType<typeof startSlowServices>>;

  beforeAll(async () => {
    services = await startSlowServices(6_500);
    platform = await startTestPlatform({
      db,
      queues: ['alerts', 'notifications'],
      env: { ...FIRE_ENV, TEST_MARKET_DATA_TIMEOUT_MS: '10000', MARKET_DATA_PROVIDER: 'binance', MARKET_DATA_BASE_URL: services.url, NOTIFY_CHANNEL: 'webhook', NOTIFY_WEBHOOK_URL: `${services.url}/hook` },
    });
  });

  afterAll(async () => {
    await platform?.close();
    await services?.close();
  });

  it('gives each fire time of a running schedule one outcome: started with its run and delay, or skipped_overlap while a run is going', async () => {
    await withJob(platform, everyFiveSeconds({ name: 'overlap skip', overlap: 'skip', ...SLOW_RUN }), async (jobId) => {
      const fires = await settledFires(platform, jobId, (all) => withOutcome('started')(all).length >= 2 && withOutcome('skipped_overlap')(all).length >= 1);

      const times = fires.map((fire) => Date.parse(fire.nominal_time));
      expect(new Set(times).size).toBe(times.length);
      for (const time of times) expect(time % 5_000).toBe(0);
      for (const fire of withOutcome('started')(fires)) {
        const run = await platform.api('GET', `/runs/${fire.run_id}`);
        expect(run.body.scheduled_for).toBe(fire.nominal_time);
        expect(fire.delay_ms).toBe(Date.parse(run.body.enqueued_at) - Date.parse(fire.nominal_time));
        expect(fire.delay_ms).toBeGreaterThanOrEqual(0);
        expect(fire.reason).toBeNull();
      }
      const skipped = withOutcome('skipped_overlap')(fires)[0]!;
      expect(skipped).toMatchObject({ run_id: null, delay_ms: null });
      expect(skipped.reason).toMatch(/^run \d+ \(job-\d+-.+\) was still going; overlap policy skip$/);

      // Never silent: the owner is told once (rate-limited), and the metrics count both outcomes.
      const told = await eventually(() => Promise.resolve(services.notifications.find((n) => n.job_id === jobId && /did not run/.test(n.title))));
      expect(told).toMatchObject({ user_id: 41, data: { outcome: 'skipped_overlap' } });
      const metrics = await (await fetch(`${platform.apiUrl}/metrics`)).text();
      expect(metrics).toMatch(/keel_schedule_fires_total\{job_type="price_alert",outcome="started"\} [1-9]/);
      expect(metrics).toMatch(/keel_schedule_fires_total\{job_type="price_alert",outcome="skipped_overlap"\} [1-9]/);
      expect(metrics).toMatch(/keel_schedule_lag_seconds_count\{job_type="price_alert"\} [1-9]/);
    });
  });

  it('refuses a fire over max_instances: its run does no work and the ledger says skipped_max_instances', async () => {
    await withJob(platform, everyFiveSeconds({ name: 'one at a time', overlap: 'allow_all', max_instances: 1, ...SLOW_RUN }), async (jobId) => {
      const fires = await settledFires(platform, jobId, (all) => withOutcome('skipped_max_instances')(all).length >= 1 && withOutcome('started')(all).length >= 1);

      const refused = withOutcome('skipped_max_instances')(fires)[0]!;
      expect(refused.reason).toMatch(/already had 1 run\(s\) going \(max_instances 1\)/);
      const run = await platform.api('GET', `/runs/${refused.run_id}`);
      expect(run.body).toMatchObject({ status: 'CANCELLED', result: null, error: { type: 'MaxInstancesReached', non_retryable: true }, scheduled_for: refused.nominal_time });
      // The refused run did not fetch a price or notify: the workflow ended at once with the refusal, and its run stays refused.
      expect(run.body.finished_at).toBe(run.body.started_at);
      expect(await platform.temporal.client.workflow.getHandle(run.body.workflow_id).result()).toEqual({ skipped: 'max_instances', reason: refused.reason });
      expect((await platform.api('GET', `/runs/${refused.run_id}`)).body).toMatchObject({ status: 'CANCELLED', finished_at: run.body.finished_at });
    });
  });

  it('records the fires of a paused schedule as paused, with the note', async () => {
    await withJob(platform, everyFiveSeconds({ name: 'paused', ...QUICK_RUN }), async (jobId) => {
      expect((await platform.api('POST', `/jobs/${jobId}/pause`, { note: 'exchange maintenance' })).status).toBe(200);
      const fires = await settledFires(platform, jobId, (all) => withOutcome('paused')(all).length >= 2);
      expect(withOutcome('paused')(fires)[0]).toMatchObject({ reason: 'the schedule was paused: exchange maintenance', run_id: null, delay_ms: null });
    });
  });

  it('records the fires after remaining_actions ran out as not_started', async () => {
    await withJob(platform, everyFiveSeconds({ name: 'once', remaining_actions: 1, ...QUICK_RUN }), async (jobId) => {
      const fires = await settledFires(platform, jobId, (all) => withOutcome('not_started')(all).length >= 1);
      expect(fires[0]).toMatchObject({ outcome: 'started' });
      expect(withOutcome('not_started')(fires)[0]!.reason).toMatch(/used up its remaining_actions/);
    });
  });

  it('answers 422 naming the field for a bad from or to, or to before from', async () => {
    const created = await platform.api('POST', '/jobs', priceAlertJob());
    const bad = await platform.api('GET', `/jobs/${created.body.id}/fires?from=yesterday`);
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'from' })]);
    const reversed = await platform.api('GET', `/jobs/${created.body.id}/fires?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z`);
    expect(reversed.status).toBe(422);
    expect(reversed.body.errors).toEqual([expect.objectContaining({ path: 'to' })]);
    expect((await platform.api('GET', '/jobs/999999/fires')).status).toBe(404);
    await platform.api('DELETE', `/jobs/${created.body.id}`);
  });
});

describe.each(DATABASE_KINDS)('the fire ledger on %s, without a worker', (db) => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ db, env: FIRE_ENV });
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('agrees with Temporal on a daily 02:30 New York job across both DST changes: no fire on spring-forward day, one on fall-back day', async () => {
    const springDays = { from: '2027-03-12T00:00:00Z', to: '2027-03-17T00:00:00Z' };
    const fallDays = { from: '2027-11-05T00:00:00Z', to: '2027-11-09T00:00:00Z' };
    for (const [days, expected] of [
      // 02:30 does not exist on 14 March (clocks jump from 02:00 to 03:00): Temporal skips the day, it does not run at 03:30.
      [springDays, ['2027-03-12T07:30:00.000Z', '2027-03-13T07:30:00.000Z', '2027-03-15T06:30:00.000Z', '2027-03-16T06:30:00.000Z']],
      // 02:30 happens once on 7 November (01:00–02:00 repeats): one fire, at 02:30 EST.
      [fallDays, ['2027-11-05T06:30:00.000Z', '2027-11-06T06:30:00.000Z', '2027-11-07T07:30:00.000Z', '2027-11-08T07:30:00.000Z']],
    ] as const) {
      await withJob(platform, priceAlertJob({ name: 'NY 02:30', cron: '30 2 * * *', timezone: 'America/New_York', start_at: days.from, end_at: days.to }), async (jobId) => {
        const shown = await platform.api('GET', `/jobs/${jobId}`);
        expect(shown.body.schedule.next_action_times).toEqual(expected);
        // The ledger's nominal times come from the same spec, through the same server.
        const ledgerTimes = await fireTimesBetween(platform.temporal, `job-${jobId}`, new Date(days.from), new Date(days.to));
        expect(ledgerTimes.map((time) => time.toISOString())).toEqual(expected);
      });
    }
  });

  it('shows a run the schedule started as ENQUEUED at once, and a worker that comes later runs it', async () => {
    const created = await platform.api('POST', '/jobs', everyFiveSeconds({ name: 'nobody home', overlap: 'skip' }));
    expect(created.status).toBe(201);
    const jobId = created.body.id as number;
    let worker: Awaited<ReturnType<typeof createKeelWorker>> | undefined;
    let running: Promise<void> | undefined;
    const connection = await connectWorker(platform.config.temporal);
    try {
      const enqueued = await eventually(async () => {
        const page = await platform.api('GET', `/jobs/${jobId}/runs`);
        return (page.body.items as Record<string, any>[]).find((run) => run.status === 'ENQUEUED');
      });
      expect(enqueued).toMatchObject({ started_at: null, worker_id: null, job_id: jobId });
      expect(enqueued.workflow_id).toBe(`job-${jobId}-${new Date(enqueued.scheduled_for).toISOString().replace('.000Z', 'Z')}`);
      // While it waits, the schedule skips the next fires (overlap skip); the waiting run's fire counts as started.
      const fires = await eventually(async () => {
        const all = await firesOf(platform, jobId);
        return withOutcome('skipped_overlap')(all).length >= 1 ? all : undefined;
      });
      expect(fires.find((fire) => fire.run_id === enqueued.run_id)).toMatchObject({ outcome: 'started', nominal_time: enqueued.scheduled_for });

      const logger = createLogger(platform.config);
      worker = await createKeelWorker({ connection, namespace: platform.config.temporal.namespace, queue: 'alerts', services: createWorkerServices(platform.config, { orm: platform.orm, temporal: platform.temporal, logger, workerId: workerIdentity('alerts') }) });
      running = worker.run();
      const done = await eventually(async () => {
        const run = await platform.api('GET', `/runs/${enqueued.run_id}`);
        return run.body.status === 'COMPLETED' ? run.body : undefined;
      });
      expect(done.started_at).not.toBeNull();
      expect(Date.parse(done.started_at)).toBeGreaterThanOrEqual(Date.parse(enqueued.enqueued_at));
    } finally {
      await platform.api('DELETE', `/jobs/${jobId}`);
      worker?.shutdown();
      await running;
      await connection.close();
    }
  });
});
