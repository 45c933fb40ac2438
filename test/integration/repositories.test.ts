import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRun, JobSchedule } from '../../db/entities/index.ts';
import { inTransaction, initORM, isMigrated, migrate, type Orm } from '../../db/orm.ts';
import { recordFiredAlert, listAlerts } from '../../db/repositories/alerts.ts';
import { loadPriceAlertState, rearmPriceAlert, resetPriceAlertState, savePriceAlertState } from '../../db/repositories/priceAlertStates.ts';
import { countRunsByTypeAndStatus, enqueueRun, findRun, listRuns, markRunFinished, markRunStarted } from '../../db/repositories/jobRuns.ts';
import { addJobSchedule, findJobSchedule, listJobSchedules } from '../../db/repositories/jobSchedules.ts';
import { recordCommand } from '../../db/repositories/commandAudits.ts';
import { addNotification, claimDueNotifications, recordNotificationFailure, recordNotificationSent, releaseNotifications } from '../../db/repositories/notifications.ts';
import { putSetting, userSettings } from '../../db/repositories/settings.ts';
import { findTelegramUserByChat, findUserByLinkCode, linkTelegramChat, markChatBlocked, setLinkCode } from '../../db/repositories/telegramUsers.ts';
import { CommandAudit, Notification } from '../../db/entities/index.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/databases.ts';
import { eventually } from '../helpers/platform.ts';

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
    expect(await migrate(orm)).toEqual(['Migration20261127_initial', 'Migration20261201_jobScheduleState', 'Migration20261201_idempotencyKeys', 'Migration20261202_jobSchedulePolicies', 'Migration20261203_failureStreak', 'Migration20261210_fireLedger', 'Migration20261210_alertsReports', 'Migration20261210_resilErrorEvents', 'Migration20261210_resilCircuitBreakers', 'Migration20261210_outbox', 'Migration20261210_namingConvention', 'Migration20261210_trading', 'Migration20261211_conventionNames', 'Migration20261212_paperExchange', 'Migration20261213_killSwitch', 'Migration20261214_positionMarks']);
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
    // Read as plain rows, yet typed as an entity would be: JSON parsed, times as Dates.
    expect(failed.items[0]).toMatchObject({ error: { type: 'InvalidSymbol', message: 'no', non_retryable: true }, job_snapshot: expect.any(Object), started_at: expect.any(Date) });
    const counts = await inTransaction(orm, (em) => countRunsByTypeAndStatus(em));
    expect(counts).toEqual(
      expect.arrayContaining([
        { job_type: 'price_alert', status: 'RUNNING', count: 3 },
        { job_type: 'price_alert', status: 'COMPLETED', count: 1 },
        { job_type: 'price_alert', status: 'FAILED', count: 1 },
      ]),
    );
  });

  it('records a fired alert once per run, and lists a job\'s alerts newest first', async () => {
    const fired = (workflow_id: string, price: number) => ({ job_id: 70, job_type: 'price_alert', user_id: 1, symbol: 'BTCUSDT', condition: 'crosses_above', value: 100.5, price, fired_at: new Date('2026-01-01T00:00:00Z'), workflow_id, temporal_run_id: 'r' });
    for (const [workflowId, price] of [['job-70-a', 101.25], ['job-70-a', 999], ['job-70-b', 102]] as const) {
      await inTransaction(orm, async (em) => {
        await recordFiredAlert(em, fired(workflowId, price));
        await em.flush();
      });
    }
    const page = await inTransaction(orm, (em) => listAlerts(em, { job_id: 70, limit: 10 }));
    expect(page.items.map((alert) => [alert.workflow_id, alert.value, alert.price])).toEqual([
      ['job-70-b', 100.5, 102],
      ['job-70-a', 100.5, 101.25],
    ]);
  });

  it('keeps a price alert\'s state per job, written only over the state it read', async () => {
    const load = () => inTransaction(orm, (em) => loadPriceAlertState(em, 71));
    expect((await load()).state).toEqual({ last_price: null, armed: true });
    expect(await inTransaction(orm, (em) => savePriceAlertState(em, 71, null, { last_price: 99.5, armed: true, workflow_id: 'job-71-a', triggered: false }))).toBe(true);
    // A second first run loses on the primary key; a run that read before 'a' wrote changes nothing.
    await expect(inTransaction(orm, (em) => savePriceAlertState(em, 71, null, { last_price: 1, armed: true, workflow_id: 'job-71-x', triggered: false }))).rejects.toThrow(/unique|primary|constraint/i);
    expect(await inTransaction(orm, (em) => savePriceAlertState(em, 71, 'job-71-old', { last_price: 1, armed: true, workflow_id: 'job-71-y', triggered: false }))).toBe(false);
    expect(await inTransaction(orm, (em) => savePriceAlertState(em, 71, 'job-71-a', { last_price: 101.25, armed: false, workflow_id: 'job-71-b', triggered: true }))).toBe(true);
    const { state, row } = await load();
    expect(state).toEqual({ last_price: 101.25, armed: false });
    expect(row).toMatchObject({ workflow_id: 'job-71-b', triggered: true });

    await inTransaction(orm, (em) => rearmPriceAlert(em, 71));
    expect((await load()).state).toEqual({ last_price: 101.25, armed: true });
    await inTransaction(orm, (em) => resetPriceAlertState(em, 71));
    expect((await load()).row).toBeNull();
  });

  it('refuses a second run with the same workflow ID', async () => {
    const { workflow_id, scheduled_for, enqueued_at, job_snapshot } = start('job-4-dup');
    const enqueue = () => inTransaction(orm, (em) => Promise.resolve(enqueueRun(em, { workflow_id, job_id: 4, job_type: 'price_alert', user_id: 1, job_snapshot, scheduled_for, enqueued_at })));
    await enqueue();
    await expect(enqueue()).rejects.toThrow(/unique/i);
  });

  const outboxRow = (key: string, next_attempt_at: Date) => ({
    idempotency_key: key,
    user_id: 1,
    job_id: null,
    channel: 'webhook' as const,
    recipient: 'http://127.0.0.1:1/hook',
    title: 't',
    text: 'x',
    body: { n: 1 },
    image_png: Buffer.from([0x89, 0x50, 0x4e, 0x47]),
    status: 'pending' as const,
    next_attempt_at,
  });

  it('claims each due notification for exactly one of two racing deliveries, and records only the holder’s outcome', async () => {
    const now = new Date();
    await inTransaction(orm, async (em) => {
      for (let n = 0; n < 20; n++) addNotification(em, outboxRow(`race-${n}`, new Date(now.getTime() - 1_000)));
      addNotification(em, outboxRow('race-later', new Date(now.getTime() + 60_000)));
      await em.flush();
    });
    const leaseUntil = new Date(now.getTime() + 30_000);
    const [a, b] = await Promise.all(['a', 'b'].map((token) => inTransaction(orm, (em) => claimDueNotifications(em, { token, now, leaseUntil, limit: 15 }))));
    const ids = [...a!, ...b!].map((row) => row.id);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
    expect(a![0]!.image_png).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    // Nothing is due while the lease holds; the later one is not due yet.
    expect(await inTransaction(orm, (em) => claimDueNotifications(em, { token: 'c', now, leaseUntil, limit: 50 }))).toEqual([]);

    const first = a![0]!;
    expect(await inTransaction(orm, (em) => recordNotificationSent(em, first.id, 'not-the-holder', 1, new Date()))).toBe(false);
    expect(await inTransaction(orm, (em) => recordNotificationSent(em, first.id, 'a', 1, new Date()))).toBe(true);
    // Recorded once: a redelivered batch cannot record, nor claim, it again.
    expect(await inTransaction(orm, (em) => recordNotificationSent(em, first.id, 'a', 1, new Date()))).toBe(false);
    expect(await inTransaction(orm, (em) => em.findOneOrFail(Notification, first.id))).toMatchObject({ status: 'sent', attempts: 1, claim_token: null });

    const second = a![1]!;
    await inTransaction(orm, (em) => recordNotificationFailure(em, second.id, 'a', { attempts: 1, last_error: '503', status: 'pending', next_attempt_at: new Date(now.getTime() - 1) }));
    await inTransaction(orm, (em) => releaseNotifications(em, a!.slice(2).map((row) => row.id), 'a', new Date(now.getTime() - 1)));
    const again = await inTransaction(orm, (em) => claimDueNotifications(em, { token: 'd', now, leaseUntil, limit: 50 }));
    expect(again.map((row) => row.id).toSorted((x, y) => x - y)).toEqual(a!.slice(1).map((row) => row.id).toSorted((x, y) => x - y));
    // A lease that ran out makes the row due again: its delivery is presumed dead.
    const expired = await inTransaction(orm, (em) => claimDueNotifications(em, { token: 'e', now: new Date(leaseUntil.getTime() + 1), leaseUntil: new Date(leaseUntil.getTime() + 30_000), limit: 50 }));
    expect(expired.map((row) => row.id).toSorted((x, y) => x - y)).toEqual([...again, ...b!].map((row) => row.id).toSorted((x, y) => x - y));
  });

  it('refuses a second notification with the same idempotency key', async () => {
    const add = () => inTransaction(orm, async (em) => {
      addNotification(em, outboxRow('twice', new Date()));
      await em.flush();
    });
    await add();
    await expect(add()).rejects.toThrow(/unique/i);
  });

  it('links a Telegram chat by code, moves it to the newest owner, marks it blocked, and keeps settings and command audits', async () => {
    const now = new Date();
    await inTransaction(orm, (em) => setLinkCode(em, 70, 'code-70', new Date(now.getTime() + 60_000)));
    expect(await inTransaction(orm, (em) => findUserByLinkCode(em, 'code-70', new Date(now.getTime() + 61_000)))).toBeNull();
    const owner = await inTransaction(orm, (em) => findUserByLinkCode(em, 'code-70', now));
    await inTransaction(orm, (em) => linkTelegramChat(em, owner!.user_id, -1001234567890, 'desk', now));
    expect(await inTransaction(orm, (em) => findTelegramUserByChat(em, -1001234567890))).toMatchObject({ user_id: 70, username: 'desk', link_code: null, blocked: false });
    await inTransaction(orm, (em) => linkTelegramChat(em, 71, -1001234567890, null, now));
    expect(await inTransaction(orm, (em) => findTelegramUserByChat(em, -1001234567890))).toMatchObject({ user_id: 71 });
    await inTransaction(orm, (em) => markChatBlocked(em, -1001234567890));
    expect(await inTransaction(orm, (em) => findTelegramUserByChat(em, -1001234567890))).toMatchObject({ blocked: true });

    await inTransaction(orm, (em) => putSetting(em, 70, 'notify_channel', 'webhook'));
    await inTransaction(orm, (em) => putSetting(em, 70, 'notify_channel', 'telegram'));
    expect(await inTransaction(orm, (em) => userSettings(em, 70))).toEqual({ notify_channel: 'telegram' });

    await inTransaction(orm, (em) => Promise.resolve(recordCommand(em, { user_id: null, chat_id: 5, username: null, command: '/alerts', outcome: 'refused', detail: 'chat not linked' })));
    expect(await inTransaction(orm, (em) => em.find(CommandAudit, { chat_id: 5 }))).toMatchObject([{ command: '/alerts', outcome: 'refused', at: expect.any(Date) }]);
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

  it('takes back the connection of a transaction the server dropped mid-way, so the pool neither shrinks nor hangs on close', async () => {
    const database = await createTestDatabase('postgresql');
    const orm = await initORM({ url: database.url, pool_max: 2 });
    const admin = await initORM({ url: database.url });
    await migrate(orm);
    const pool = (await orm.em.getConnection().getNativeClient()) as { totalCount: number; idleCount: number };
    const sleeping = inTransaction(orm, (em) => em.getConnection().execute('select pg_sleep(30)', [], 'all', em.getTransactionContext()));
    await eventually(async () => {
      const [{ dropped }] = (await admin.em
        .getConnection()
        .execute("select count(pg_terminate_backend(pid))::int as dropped from pg_stat_activity where datname = current_database() and query like 'select pg_sleep%' and pid <> pg_backend_pid()")) as [{ dropped: number }];
      return dropped > 0 ? true : undefined;
    });
    // Its COMMIT or ROLLBACK cannot succeed on a dropped connection, so Kysely never releases it: db/releaseDroppedClients.ts does.
    await expect(sleeping).rejects.toThrow(/terminating connection/);
    await eventually(() => Promise.resolve(pool.totalCount === pool.idleCount ? true : undefined), { timeoutMs: 10_000 });
    expect(await inTransaction(orm, (em) => em.count(JobSchedule))).toBe(0);
    await orm.close();
    await admin.close();
    await database.drop();
  });
});
