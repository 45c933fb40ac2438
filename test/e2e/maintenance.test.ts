import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Alert, IdempotencyKey, JobRun, JobSchedule } from '../../db/entities/index.ts';
import { inTransaction } from '../../db/orm.ts';
import { JobScheduler } from '../../lib/jobScheduler.ts';
import { createLogger } from '../../lib/logger.ts';
import { ensureMaintenanceJob, MAINTENANCE_JOB_NAME } from '../../lib/systemJobs.ts';
import { DATABASE_KINDS } from '../helpers/databases.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { startTestPlatform, triggerAndWait, type TestPlatform } from '../helpers/platform.ts';

const DAY = 86_400_000;
const SYSTEM_USER = 2_147_483_647;

// Through the HTTP API, on both databases: Keel's own maintenance job exists after start-up, and a run deletes what is
// past retention (in batches of 2 here), keeps what is recent, optimizes the database and reconciles schedules.
describe.each(DATABASE_KINDS)('maintenance on %s', (db) => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ db, queues: ['maintenance'], env: { MAINTENANCE_SYSTEM_JOB: 'true', MAINTENANCE_CRON: '0 0 1 1 *', MAINTENANCE_BATCH_SIZE: '2' } });
  });

  afterAll(async () => {
    await platform?.close();
  });

  async function maintenanceJobs(): Promise<{ id: number; user_id: number; name: string; target: string; cron: string }[]> {
    const listed = await platform.api('GET', '/jobs?job_type=maintenance');
    expect(listed.status).toBe(200);
    return listed.body.items;
  }

  it('creates its maintenance job at start-up, owned by the system user, once however often it starts', async () => {
    const [job, ...others] = await maintenanceJobs();
    expect(others).toEqual([]);
    expect(job).toMatchObject({ user_id: SYSTEM_USER, name: MAINTENANCE_JOB_NAME, target: 'database', cron: '0 0 1 1 *', enabled: true, task_params: { retention: true, optimize: true, reconcile: true } });
    expect((await platform.api('GET', `/jobs/${job!.id}`)).body.schedule).toMatchObject({ paused: false });

    // A second start with another cron in the config: the same job, its cron put back to the config's.
    const logger = createLogger(platform.config, { role: 'test' });
    const scheduler = new JobScheduler({ orm: platform.orm, temporal: platform.temporal, logger });
    const config = { ...platform.config, maintenance: { ...platform.config.maintenance, cron: '0 0 2 1 *' } };
    expect(await ensureMaintenanceJob({ orm: platform.orm, scheduler, config, logger })).toBe(job!.id);
    expect(await ensureMaintenanceJob({ orm: platform.orm, scheduler, config, logger })).toBe(job!.id);
    expect((await maintenanceJobs()).map((j) => [j.id, j.cron])).toEqual([[job!.id, '0 0 2 1 *']]);
  });

  it('deletes rows past retention in batches and keeps recent and unfinished ones', async () => {
    const now = Date.now();
    const ago = (days: number) => new Date(now - days * DAY);
    await inTransaction(platform.orm, (em) => {
      const run = (name: string, finished: Date | null, enqueued = ago(60)) =>
        em.create(JobRun, { workflow_id: `retention-${name}`, job_type: 'price_alert', job_id: 999, user_id: 1, status: finished ? 'COMPLETED' : 'RUNNING', scheduled_for: null, enqueued_at: enqueued, started_at: null, finished_at: finished, job_snapshot: {}, result: null, error: null, worker_id: null, temporal_run_id: null });
      for (const n of [1, 2, 3, 4, 5]) run(`old-${n}`, ago(31 + n));
      run('recent', ago(29), ago(29));
      run('open', null);
      const alert = (name: string, fired: Date) => em.create(Alert, { job_id: 999, job_type: 'price_alert', user_id: 1, symbol: 'BTCUSDT', condition: 'above', value: 1, price: 2, fired_at: fired, workflow_id: `retention-${name}`, temporal_run_id: 'r' });
      alert('old', ago(181));
      alert('recent', ago(179));
      em.create(IdempotencyKey, { key: 'old', scope: 'POST /jobs', request_hash: 'x', response: null, created_at: ago(3) });
      em.create(IdempotencyKey, { key: 'recent', scope: 'POST /jobs', request_hash: 'x', response: null, created_at: ago(1) });
      return Promise.resolve();
    });
    const [job] = await maintenanceJobs();

    const run = await triggerAndWait(platform, job!.id);

    expect(run.status, JSON.stringify(run.error)).toBe('COMPLETED');
    expect(run.result.deleted).toMatchObject({ job_runs: 5, alerts: 1, idempotency_keys: 1, reports: 0 });
    // Every configured table that exists is swept, the ones this test filled or not.
    expect(run.result.deleted).toMatchObject({ notifications: 0, fire_records: 0, error_events: 0, command_audits: 0 });
    expect(run.worker_id).toMatch(/^maintenance@/);
    const left = await inTransaction(platform.orm, async (em) => ({
      runs: (await em.find(JobRun, { workflow_id: { $like: 'retention-%' } })).map((r) => r.workflow_id).sort(),
      alerts: (await em.find(Alert, { workflow_id: { $like: 'retention-%' } })).map((a) => a.workflow_id),
      keys: (await em.find(IdempotencyKey, { scope: 'POST /jobs', key: { $in: ['old', 'recent'] } })).map((k) => k.key),
    }));
    expect(left).toEqual({ runs: ['retention-open', 'retention-recent'], alerts: ['retention-recent'], keys: ['recent'] });
    expect(run.result.optimized).toEqual(db === 'sqlite' ? ['pragma optimize', 'pragma incremental_vacuum'] : [expect.stringMatching(/^vacuum \(analyze\) job_runs, alerts, reports, idempotency_keys/)]);
  });

  it('reconciles schedules from its activity: one deleted behind Keel\'s back is recreated', async () => {
    const created = await platform.api('POST', '/jobs', priceAlertJob());
    await platform.temporal.client.schedule.getHandle(`job-${created.body.id}`).delete();
    const [job] = await maintenanceJobs();

    const run = await triggerAndWait(platform, job!.id);

    expect(run.result.reconciled.recreated).toContain(created.body.id);
    await platform.temporal.client.schedule.getHandle(`job-${created.body.id}`).describe();
    expect(await inTransaction(platform.orm, (em) => em.count(JobSchedule, { id: created.body.id }))).toBe(1);
  });
});
