import { ScheduleOverlapPolicy } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../helpers/databases.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

/** Makes the database refuse every update of one job's row, as a failing write would; the returned function lifts it. */
async function refuseRowUpdates(platform: TestPlatform, db: string, jobId: number): Promise<() => Promise<void>> {
  const connection = platform.orm.em.getConnection();
  if (db === 'sqlite') {
    await connection.execute(`create trigger refuse_job_update before update on job_schedules when old.id = ${jobId} begin select raise(abort, 'refused by the test'); end`);
    return async () => void (await connection.execute('drop trigger refuse_job_update'));
  }
  await connection.execute(`create function refuse_job_update() returns trigger language plpgsql as $$ begin if old.id = ${jobId} then raise exception 'refused by the test'; end if; return new; end $$`);
  await connection.execute('create trigger refuse_job_update before update on job_schedules for each row execute function refuse_job_update()');
  return async () => {
    await connection.execute('drop trigger refuse_job_update on job_schedules');
    await connection.execute('drop function refuse_job_update()');
  };
}

/** What Temporal has for a job's schedule, in a form two snapshots can be compared by. */
async function scheduleSnapshot(platform: TestPlatform, id: number) {
  const description = await platform.temporal.client.schedule.getHandle(`job-${id}`).describe();
  const { workflowType, taskQueue, args, memo, workflowExecutionTimeout } = description.action;
  return { spec: description.spec, policies: description.policies, state: description.state, action: { workflowType, taskQueue, args, memo, workflowExecutionTimeout }, createdAt: description.info.createdAt, lastUpdatedAt: description.info.lastUpdatedAt };
}

// PATCH, pause and resume, manual trigger overrides and bad input, against the real dev server, on both databases.
describe.each(DATABASE_KINDS)('job lifecycle through the API on %s', (db) => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ db });
  });

  afterAll(async () => {
    await platform?.close();
  });

  async function createJob(overrides: Record<string, unknown> = {}) {
    const created = await platform.api('POST', '/jobs', priceAlertJob(overrides));
    expect(created.status).toBe(201);
    return created.body;
  }

  it("accepts the seed's example body and shows the default policies", async () => {
    const created = await platform.api('POST', '/jobs', {
      name: 'BTCUSDT Price Alert',
      job_type: 'price_alert',
      target: 'BTCUSDT',
      task_params: { condition: 'above', value: 50000, timeframe: '1m' },
      cron: '*/5 * * * *',
      enabled: true,
      user_id: 456789,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ overlap: 'buffer_one', catchup_window: 60, jitter: 0, pause_on_failure: false, pause_after_failures: 3, start_at: null, end_at: null, remaining_actions: null, max_instances: null, pause_note: null });
    expect(Date.parse(created.body.next_run_at) % 300_000).toBe(0);
    // It fires every 5 minutes for real: gone before it can start a run that another file's worker would pick up.
    expect((await platform.api('DELETE', `/jobs/${created.body.id}`)).status).toBe(204);
  });

  it('creates a job with its own policies and gives them to its schedule', async () => {
    const job = await createJob({ overlap: 'skip', catchup_window: 30, pause_on_failure: true, pause_after_failures: 2, start_at: '2030-01-01T00:00:00Z', remaining_actions: 3, max_instances: 2 });
    expect(job).toMatchObject({ overlap: 'skip', catchup_window: 30, pause_on_failure: true, pause_after_failures: 2, start_at: '2030-01-01T00:00:00.000Z', remaining_actions: 3, max_instances: 2 });
    const schedule = await scheduleSnapshot(platform, job.id);
    expect(schedule.policies).toEqual({ overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: 30_000, pauseOnFailure: false });
    expect(schedule.state.remainingActions).toBe(3);
    expect(schedule.spec.startAt).toEqual(new Date('2030-01-01T00:00:00Z'));
  });

  it('updates name, cron, time zone, task_params and policies in the same schedule, and next_run_at follows', async () => {
    const job = await createJob();
    const before = await scheduleSnapshot(platform, job.id);

    const patched = await platform.api('PATCH', `/jobs/${job.id}`, {
      name: 'BTC under 40k',
      cron: '0 12 * * *',
      timezone: 'Europe/London',
      task_params: { condition: 'below', value: 40_000 },
      overlap: 'allow_all',
      catchup_window: 120,
      jitter: 5,
      pause_on_failure: true,
      start_at: '2030-01-01T00:00:00Z',
      end_at: '2031-01-01T00:00:00Z',
      remaining_actions: 10,
      max_instances: 2,
    });

    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      id: job.id,
      name: 'BTC under 40k',
      cron: '0 12 * * *',
      timezone: 'Europe/London',
      task_params: { condition: 'below', value: 40_000, timeframe: '1m' },
      overlap: 'allow_all',
      catchup_window: 120,
      jitter: 5,
      pause_on_failure: true,
      start_at: '2030-01-01T00:00:00.000Z',
      end_at: '2031-01-01T00:00:00.000Z',
      remaining_actions: 10,
      max_instances: 2,
    });
    // Noon in London on the first day of the window (winter: UTC), moved by at most the 5 s of jitter.
    const next = Date.parse(patched.body.next_run_at) - Date.parse('2030-01-01T12:00:00Z');
    expect(next).toBeGreaterThanOrEqual(0);
    expect(next).toBeLessThanOrEqual(5_000);

    const after = await scheduleSnapshot(platform, job.id);
    expect(after.createdAt).toEqual(before.createdAt);
    expect(after.spec).toMatchObject({ timezone: 'Europe/London', startAt: new Date('2030-01-01T00:00:00Z'), endAt: new Date('2031-01-01T00:00:00Z'), jitter: 5_000 });
    expect(after.policies).toEqual({ overlap: ScheduleOverlapPolicy.ALLOW_ALL, catchupWindow: 120_000, pauseOnFailure: false });
    expect(after.state.remainingActions).toBe(10);
    expect(after.action).toMatchObject({ args: [{ name: 'BTC under 40k', task_params: { condition: 'below', value: 40_000, timeframe: '1m' } }], memo: { name: 'BTC under 40k' } });

    const shown = await platform.api('GET', `/jobs/${job.id}`);
    expect(shown.body).toMatchObject({ name: 'BTC under 40k', overlap: 'allow_all', next_run_at: patched.body.next_run_at });
    expect(shown.body.schedule).toMatchObject({ paused: false, remaining_actions: 10 });
  });

  it('refuses bad PATCHes with a 422 naming the field, changing neither the row nor the schedule', async () => {
    const job = await createJob({ start_at: '2030-01-01T00:00:00Z' });
    const rowBefore = (await platform.api('GET', `/jobs/${job.id}`)).body;
    const scheduleBefore = await scheduleSnapshot(platform, job.id);

    const cases: [Record<string, unknown>, string][] = [
      [{ job_type: 'report' }, 'job_type'],
      [{ user_id: 8 }, 'user_id'],
      [{ colour: 'red' }, 'colour'],
      [{ cron: 'not a cron' }, 'cron'],
      [{ cron: '0 0 31 2 *' }, 'cron'],
      [{ timezone: 'Mars/Olympus_Mons' }, 'timezone'],
      [{ start_at: '2030-01-02T00:00:00Z', end_at: '2030-01-01T00:00:00Z' }, 'end_at'],
      // Against the stored start_at: the end alone is before it.
      [{ end_at: '2029-12-31T00:00:00Z' }, 'end_at'],
      [{ start_at: 'tomorrow' }, 'start_at'],
      [{ catchup_window: -60 }, 'catchup_window'],
      [{ catchup_window: 10 ** 12 }, 'catchup_window'],
      [{ jitter: -1 }, 'jitter'],
      [{ remaining_actions: 0 }, 'remaining_actions'],
      [{ max_instances: 1_000_000 }, 'max_instances'],
      [{ overlap: 'sometimes' }, 'overlap'],
      [{ task_params: { condition: 'sideways', value: 1 } }, 'task_params.condition'],
      [{ target: 'btc usdt' }, 'target'],
      [{ name: 'ok', enabled: 'yes' }, 'enabled'],
    ];
    for (const [body, field] of cases) {
      const answer = await platform.api('PATCH', `/jobs/${job.id}`, body);
      expect(answer.status, JSON.stringify(body)).toBe(422);
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      expect(answer.body.errors.map((error: { path: string }) => error.path), JSON.stringify(body)).toContain(field);
    }

    expect((await platform.api('GET', `/jobs/${job.id}`)).body).toEqual(rowBefore);
    expect(await scheduleSnapshot(platform, job.id)).toEqual(scheduleBefore);
    expect((await platform.api('PATCH', '/jobs/999999', { name: 'x' })).status).toBe(404);
  });

  it('puts the schedule back when the row write fails after Temporal took the change', async () => {
    const job = await createJob();
    const rowBefore = (await platform.api('GET', `/jobs/${job.id}`)).body;
    const scheduleBefore = await scheduleSnapshot(platform, job.id);
    const allowUpdates = await refuseRowUpdates(platform, db, job.id);
    try {
      const patched = await platform.api('PATCH', `/jobs/${job.id}`, { cron: '0 12 * * *', overlap: 'skip', jitter: 30 });
      expect(patched.status).toBeGreaterThanOrEqual(500);
      const paused = await platform.api('POST', `/jobs/${job.id}/pause`, { note: 'never lands' });
      expect(paused.status).toBeGreaterThanOrEqual(500);
    } finally {
      await allowUpdates();
    }
    const scheduleAfter = await scheduleSnapshot(platform, job.id);
    expect({ ...scheduleAfter, lastUpdatedAt: undefined, state: { ...scheduleAfter.state, note: '' } }).toEqual({ ...scheduleBefore, lastUpdatedAt: undefined });
    expect(scheduleAfter.state.paused).toBe(false);
    const rowAfter = (await platform.api('GET', `/jobs/${job.id}`)).body;
    expect({ ...rowAfter, schedule: { ...rowAfter.schedule, note: '' } }).toEqual(rowBefore);
  });

  it('answers 409 and changes no row when the schedule was deleted outside Keel', async () => {
    const job = await createJob();
    const rowBefore = (await platform.api('GET', `/jobs/${job.id}`)).body;
    await platform.temporal.client.schedule.getHandle(`job-${job.id}`).delete();

    for (const [method, path, body] of [
      ['PATCH', `/jobs/${job.id}`, { name: 'renamed', overlap: 'skip' }],
      ['POST', `/jobs/${job.id}/pause`, { note: 'x' }],
      ['POST', `/jobs/${job.id}/resume`, undefined],
      ['POST', `/jobs/${job.id}/backfill`, { start_time: '2026-01-01T00:00:00Z', end_time: '2026-01-02T00:00:00Z' }],
    ] as const) {
      const answer = await platform.api(method, path, body);
      expect(answer.status, `${method} ${path}`).toBe(409);
      expect(answer.body.detail).toContain('no Temporal schedule');
    }
    const rowAfter = (await platform.api('GET', `/jobs/${job.id}`)).body;
    expect(rowAfter).toEqual({ ...rowBefore, schedule: null });
  });

  it('refuses a POST whose end_at is not after its start_at, creating nothing', async () => {
    const before = (await platform.api('GET', '/jobs?limit=200')).body.items.length;
    const answer = await platform.api('POST', '/jobs', priceAlertJob({ start_at: '2030-01-02T00:00:00Z', end_at: '2030-01-02T00:00:00Z' }));
    expect(answer.status).toBe(422);
    expect(answer.body.errors[0].path).toBe('end_at');
    expect((await platform.api('GET', '/jobs?limit=200')).body.items.length).toBe(before);
  });

  it('pauses with a note and resumes; enabled follows, and the note shows until the resume', async () => {
    const job = await createJob();

    const paused = await platform.api('POST', `/jobs/${job.id}/pause`, { note: 'exchange maintenance' });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ enabled: false, pause_note: 'exchange maintenance' });
    const shownPaused = await platform.api('GET', `/jobs/${job.id}`);
    expect(shownPaused.body).toMatchObject({ enabled: false, pause_note: 'exchange maintenance', schedule: { paused: true, note: 'exchange maintenance' } });
    expect((await platform.api('GET', `/jobs?enabled=false&limit=200`)).body.items.map((item: { id: number }) => item.id)).toContain(job.id);

    const resumed = await platform.api('POST', `/jobs/${job.id}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ enabled: true, pause_note: null });
    const shownResumed = await platform.api('GET', `/jobs/${job.id}`);
    expect(shownResumed.body).toMatchObject({ enabled: true, pause_note: null, schedule: { paused: false } });

    // PATCH enabled pauses and unpauses the same schedule.
    expect((await platform.api('PATCH', `/jobs/${job.id}`, { enabled: false })).body.enabled).toBe(false);
    expect((await scheduleSnapshot(platform, job.id)).state.paused).toBe(true);

    const badNote = await platform.api('POST', `/jobs/${job.id}/pause`, { note: 'a\nb' });
    expect(badNote.status).toBe(422);
    expect(badNote.body.errors[0].path).toBe('note');
    expect((await platform.api('POST', '/jobs/999999/pause')).status).toBe(404);
  });

  it('refuses a manual trigger with overlap skip while a run is going, and starts one with allow_all', async () => {
    const job = await createJob();
    const workflowIds: string[] = [];
    try {
      // No worker serves this platform: the first run stays ENQUEUED.
      const first = await platform.api('POST', `/jobs/${job.id}/trigger`);
      expect(first.status).toBe(202);
      workflowIds.push(first.body.workflow_id);

      const skipped = await platform.api('POST', `/jobs/${job.id}/trigger`, { overlap: 'skip' });
      expect(skipped.status).toBe(409);
      expect(skipped.headers.get('content-type')).toBe('application/problem+json');

      const forced = await platform.api('POST', `/jobs/${job.id}/trigger`, { overlap: 'allow_all' });
      expect(forced.status).toBe(202);
      workflowIds.push(forced.body.workflow_id);

      const buffered = await platform.api('POST', `/jobs/${job.id}/trigger`, { overlap: 'buffer_one' });
      expect(buffered.status).toBe(422);
      expect(buffered.body.errors[0].path).toBe('overlap');
      expect((await platform.api('GET', `/jobs/${job.id}/runs`)).body.items).toHaveLength(2);
    } finally {
      // Later files share this namespace and may run a worker on the queue: these runs must not reach it.
      for (const workflowId of workflowIds) await platform.temporal.client.workflow.getHandle(workflowId).terminate('test over');
    }
  });
});

// Backfill with a worker: the runs it starts really run.

// Every 5 minutes, but only on 1–5 January: the backfilled ranges are full of fires, and the live schedule never fires
// by itself while a test runs (a plain */5 did, once, in CI).
const EARLY_JANUARY_EVERY_FIVE_MINUTES = '*/5 * 1-5 1 *';

describe('backfill through the API', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ db: 'sqlite', queues: ['alerts'] });
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('refuses a range over the fire limit and a reversed range, starting nothing', async () => {
    const job = (await platform.api('POST', '/jobs', priceAlertJob({ cron: EARLY_JANUARY_EVERY_FIVE_MINUTES, task_params: { condition: 'above', value: 1 } }))).body;

    // Four days of a 5-minute cron: 1,152 fires, over the default 1,000.
    const over = await platform.api('POST', `/jobs/${job.id}/backfill`, { start_time: '2026-01-01T00:00:00Z', end_time: '2026-01-05T00:00:00Z', overlap: 'allow_all' });
    expect(over.status).toBe(422);
    expect(over.body.errors[0].path).toBe('end_time');

    const reversed = await platform.api('POST', `/jobs/${job.id}/backfill`, { start_time: '2026-01-02T00:00:00Z', end_time: '2026-01-01T00:00:00Z' });
    expect(reversed.status).toBe(422);
    expect(reversed.body.errors[0].path).toBe('end_time');

    const unknownField = await platform.api('POST', `/jobs/${job.id}/backfill`, { start_time: '2026-01-01T00:00:00Z', end_time: '2026-01-01T01:00:00Z', limit: 5 });
    expect(unknownField.status).toBe(422);
    expect(unknownField.body.errors[0].path).toBe('limit');

    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await platform.api('GET', `/jobs/${job.id}`)).body.schedule.num_actions_taken).toBe(0);
    expect((await platform.api('GET', `/jobs/${job.id}/runs`)).body.items).toHaveLength(0);
  });

  it('answers 202 with the number of fires and runs each of them', async () => {
    const job = (await platform.api('POST', '/jobs', priceAlertJob({ cron: EARLY_JANUARY_EVERY_FIVE_MINUTES, task_params: { condition: 'above', value: 1 } }))).body;

    const request = { start_time: '2026-01-01T09:58:00Z', end_time: '2026-01-01T10:12:00Z', overlap: 'allow_all' };
    const backfill = await platform.api('POST', `/jobs/${job.id}/backfill`, request, { 'idempotency-key': `backfill-${job.id}` });
    expect(backfill.status).toBe(202);
    expect(backfill.body).toEqual({ fires: 3 });
    // A retry with the same key gets the same answer and starts nothing more.
    const retried = await platform.api('POST', `/jobs/${job.id}/backfill`, request, { 'idempotency-key': `backfill-${job.id}` });
    expect(retried.headers.get('idempotent-replayed')).toBe('true');

    const runs = await eventually(async () => {
      const page = await platform.api('GET', `/jobs/${job.id}/runs`);
      return page.body.items.length === 3 && page.body.items.every((run: { status: string }) => run.status === 'COMPLETED') ? page.body.items : undefined;
    });
    expect(runs.map((run: { scheduled_for: string }) => run.scheduled_for).sort()).toEqual(['2026-01-01T10:00:00.000Z', '2026-01-01T10:05:00.000Z', '2026-01-01T10:10:00.000Z']);
    expect(runs[0].result).toMatchObject({ alert_triggered: true });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await platform.api('GET', `/jobs/${job.id}/runs`)).body.items).toHaveLength(3);
  });

  it('counts a range as Temporal backfills it: fires at start_time and end_time both count and run', async () => {
    const job = (await platform.api('POST', '/jobs', priceAlertJob({ cron: EARLY_JANUARY_EVERY_FIVE_MINUTES, task_params: { condition: 'above', value: 1 } }))).body;

    const backfill = await platform.api('POST', `/jobs/${job.id}/backfill`, { start_time: '2026-01-01T10:00:00Z', end_time: '2026-01-01T10:10:00Z', overlap: 'allow_all' });
    expect(backfill.body).toEqual({ fires: 3 });

    const runs = await eventually(async () => {
      const page = await platform.api('GET', `/jobs/${job.id}/runs`);
      return page.body.items.length >= 3 && page.body.items.every((run: { status: string }) => run.status === 'COMPLETED') ? page.body.items : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await platform.api('GET', `/jobs/${job.id}/runs`)).body.items).toHaveLength(3);
    expect(runs.map((run: { scheduled_for: string }) => run.scheduled_for).sort()).toEqual(['2026-01-01T10:00:00.000Z', '2026-01-01T10:05:00.000Z', '2026-01-01T10:10:00.000Z']);
  });
});
