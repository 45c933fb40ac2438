import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRun, JobSchedule } from '../../db/entities/index.ts';
import { inTransaction, initORM, isMigrated, migrate, type Orm } from '../../db/orm.ts';
import { countRunsByTypeAndStatus, enqueueRun, findRun, listRuns, markRunFinished, markRunStarted } from '../../db/repositories/jobRuns.ts';
import { addJobSchedule, findJobSchedule, listJobSchedules } from '../../db/repositories/jobSchedules.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/databases.ts';

const job = { user_id: 1, name: 'btc', job_type: 'price_alert', target: 'BTCUSDT', task_params: { condition: 'above', value: 1 }, cron: '* * * * *', timezone: 'UTC', enabled: true };

const start = (workflow_id: string, job_id = 1) => ({
  workflow_id,
  temporal_run_id: `run-of-${workflow_id}`,
  job_id,
  job_type: 'price_alert',
  user_id: 1,
  job_snapshot: { target: 'BTCUSDT' },
  scheduled_for: new Date('2026-01-01T00:00:05Z'),
  enqueued_at: new Date('2026-01-01T00:00:05.100Z'),
  started_at: new Date('2026-01-01T00:00:05.200Z'),
  worker_id: 'alerts@test',
});

describe.each(DATABASE_KINDS)('repositories on %s', (kind) => {
  let database: TestDatabase;
  let orm: Orm;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    orm = await initORM({ url: database.url });
    expect(await isMigrated(orm)).toBe(false);
    expect(await migrate(orm)).toEqual(['Migration20261127_initial', 'Migration20261201_jobScheduleState', 'Migration20261201_idempotencyKeys', 'Migration20261202_jobSchedulePolicies', 'Migration20261203_failureStreak', 'Migration20261210_namingConvention', 'Migration20261210_trading']);
  });

  afterAll(async () => {
    await orm?.close();
    await database?.drop();
  });

  it('has a schema that matches the entities exactly after migrating', async () => {
    expect(await isMigrated(orm)).toBe(true);
    expect(await migrate(orm)).toEqual([]);
    expect(await orm.schema.getUpdateSchemaSQL()).toBe('');
  });

  it('stores a job schedule with its JSON params and timestamps', async () => {
    const id = await inTransaction(orm, async (em) => {
      const created = addJobSchedule(em, job);
      await em.flush();
      return created.id;
    });
    const loaded = await inTransaction(orm, (em) => findJobSchedule(em, id));
    expect(loaded).toMatchObject({ ...job, next_run_at: null, schedule_id: null });
    expect(loaded!.created_at).toBeInstanceOf(Date);
  });

  it('rolls back everything when the unit of work fails', async () => {
    const before = await inTransaction(orm, (em) => em.count(JobSchedule));
    await expect(
      inTransaction(orm, async (em) => {
        addJobSchedule(em, { ...job, name: 'doomed' });
        await em.flush();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await inTransaction(orm, (em) => em.count(JobSchedule))).toBe(before);
  });

  it('pages job schedules with filters', async () => {
    await inTransaction(orm, (em) => {
      for (const name of ['p1', 'p2', 'p3']) addJobSchedule(em, { ...job, user_id: 50, name, enabled: name !== 'p2' });
      return Promise.resolve();
    });
    const first = await inTransaction(orm, (em) => listJobSchedules(em, { user_id: 50, limit: 2 }));
    expect(first.items.map((j) => j.name)).toEqual(['p1', 'p2']);
    const rest = await inTransaction(orm, (em) => listJobSchedules(em, { user_id: 50, limit: 2, cursor: first.items[1]!.id }));
    expect(rest.items.map((j) => j.name)).toEqual(['p3']);
    expect(rest.next_cursor).toBeNull();
    const enabled = await inTransaction(orm, (em) => listJobSchedules(em, { user_id: 50, enabled: false, limit: 10 }));
    expect(enabled.items.map((j) => j.name)).toEqual(['p2']);
  });

  it('takes a run from ENQUEUED through RUNNING to COMPLETED, idempotently', async () => {
    const { workflow_id, scheduled_for, enqueued_at, job_snapshot } = start('job-1-manual-a');
    await inTransaction(orm, (em) => Promise.resolve(enqueueRun(em, { workflow_id, job_id: 1, job_type: 'price_alert', user_id: 1, job_snapshot, scheduled_for, enqueued_at })));
    let run = await inTransaction(orm, (em) => em.findOneOrFail(JobRun, { workflow_id }));
    expect(run.status).toBe('ENQUEUED');

    await inTransaction(orm, (em) => markRunStarted(em, start(workflow_id)));
    await inTransaction(orm, (em) => markRunStarted(em, start(workflow_id)));
    run = await inTransaction(orm, (em) => em.findOneOrFail(JobRun, { workflow_id }));
    expect(run).toMatchObject({ status: 'RUNNING', worker_id: 'alerts@test', temporal_run_id: `run-of-${workflow_id}` });

    const end = { workflow_id, status: 'COMPLETED' as const, result: { alert_triggered: true }, finished_at: new Date('2026-01-01T00:00:06Z') };
    await inTransaction(orm, (em) => markRunFinished(em, end));
    await inTransaction(orm, (em) => markRunFinished(em, end));
    run = (await inTransaction(orm, (em) => findRun(em, run.run_id)))!;
    expect(run).toMatchObject({ status: 'COMPLETED', result: { alert_triggered: true }, error: null });
    expect(run.finished_at!.toISOString()).toBe('2026-01-01T00:00:06.000Z');
    expect(run.scheduled_for!.toISOString()).toBe('2026-01-01T00:00:05.000Z');
    expect(await inTransaction(orm, (em) => em.count(JobRun, { workflow_id }))).toBe(1);
  });

  it('creates the run when the schedule, not the API, started it; a finished run is not reopened', async () => {
    await inTransaction(orm, (em) => markRunStarted(em, start('job-2-2026-01-01T00:00:05Z', 2)));
    await inTransaction(orm, (em) => markRunFinished(em, { workflow_id: 'job-2-2026-01-01T00:00:05Z', status: 'FAILED', error: { type: 'InvalidSymbol', message: 'no', non_retryable: true }, finished_at: new Date() }));
    await inTransaction(orm, (em) => markRunStarted(em, start('job-2-2026-01-01T00:00:05Z', 2)));
    const run = await inTransaction(orm, (em) => em.findOneOrFail(JobRun, { workflow_id: 'job-2-2026-01-01T00:00:05Z' }));
    expect(run).toMatchObject({ status: 'FAILED', error: { type: 'InvalidSymbol', message: 'no' } });
  });

  it('lists runs newest first, filters by status, and counts them by type and status', async () => {
    await inTransaction(orm, async (em) => {
      for (const n of [1, 2, 3]) await markRunStarted(em, start(`job-3-${n}`, 3));
    });
    const page = await inTransaction(orm, (em) => listRuns(em, { job_id: 3, limit: 2 }));
    expect(page.items.map((r) => r.workflow_id)).toEqual(['job-3-3', 'job-3-2']);
    const rest = await inTransaction(orm, (em) => listRuns(em, { job_id: 3, limit: 2, cursor: page.items[1]!.run_id }));
    expect(rest.items.map((r) => r.workflow_id)).toEqual(['job-3-1']);
    const failed = await inTransaction(orm, (em) => listRuns(em, { status: 'FAILED', limit: 10 }));
    expect(failed.items.map((r) => r.job_id)).toEqual([2]);
    const counts = await inTransaction(orm, (em) => countRunsByTypeAndStatus(em));
    expect(counts).toEqual(
      expect.arrayContaining([
        { job_type: 'price_alert', status: 'RUNNING', count: 3 },
        { job_type: 'price_alert', status: 'COMPLETED', count: 1 },
        { job_type: 'price_alert', status: 'FAILED', count: 1 },
      ]),
    );
  });

  it('refuses a second run with the same workflow ID', async () => {
    const { workflow_id, scheduled_for, enqueued_at, job_snapshot } = start('job-4-dup');
    const enqueue = () => inTransaction(orm, (em) => Promise.resolve(enqueueRun(em, { workflow_id, job_id: 4, job_type: 'price_alert', user_id: 1, job_snapshot, scheduled_for, enqueued_at })));
    await enqueue();
    await expect(enqueue()).rejects.toThrow(/unique/i);
  });
});

describe('SQLite connection settings', () => {
  it('runs with WAL, synchronous=NORMAL, foreign keys and a busy timeout', async () => {
    const database = await createTestDatabase('sqlite');
    const orm = await initORM({ url: database.url });
    const pragma = async (name: string) => Object.values(((await orm.em.getConnection().execute(`pragma ${name}`)) as Record<string, unknown>[])[0]!)[0];
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(1);
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(5000);
    await orm.close();
    await database.drop();
  });
});

describe('PostgreSQL connection pool', () => {
  it('replaces connections the server dropped instead of handing them out', async () => {
    const database = await createTestDatabase('postgresql');
    const orm = await initORM({ url: database.url });
    const admin = await initORM({ url: database.url });
    await migrate(orm);
    expect(await inTransaction(orm, (em) => em.count(JobSchedule))).toBe(0);

    const [{ dropped }] = (await admin.em
      .getConnection()
      .execute(
        "select count(pg_terminate_backend(pid))::int as dropped from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'",
      )) as [{ dropped: number }];
    expect(dropped).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(await inTransaction(orm, (em) => em.count(JobSchedule))).toBe(0);
    await orm.close();
    await admin.close();
    await database.drop();
  });
});
