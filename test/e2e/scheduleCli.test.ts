import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ScheduleNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureTemporalCli } from '../../scripts/temporalCli.ts';
import { DATABASE_KINDS } from '../helpers/databases.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { eventually, startTestPlatform, testNamespace, type TestPlatform } from '../helpers/platform.ts';

const run = promisify(execFile);

// What an operator does with the real `temporal schedule …` CLI shows through the API: pause state is adopted, runs are
// recorded, and everything else is put back to the row by the schedule reconciler (POST /jobs/reconcile).
describe.each(DATABASE_KINDS)('the temporal CLI against job schedules on %s', (db) => {
  let platform: TestPlatform;
  let cli: string;

  beforeAll(async () => {
    cli = await ensureTemporalCli();
    // config/test.yaml: no periodic pass in the test's time, only its own POST /jobs/reconcile after start-up.
    platform = await startTestPlatform({ db, queues: ['alerts'] });
  });

  afterAll(async () => {
    await platform?.close();
  });

  function temporal(...args: string[]) {
    return run(cli, [...args, '--address', inject('temporalAddress'), '--namespace', testNamespace()]);
  }

  /** A price alert that fires on no day of its own, with a threshold every price passes, so each run completes. */
  async function createJob(overrides: Record<string, unknown> = {}) {
    const created = await platform.api('POST', '/jobs', priceAlertJob({ task_params: { condition: 'above', value: 1 }, ...overrides }));
    expect(created.status).toBe(201);
    return created.body as { id: number; cron: string };
  }

  async function reconcile() {
    const answer = await platform.api('POST', '/jobs/reconcile');
    expect(answer.status).toBe(200);
    return answer.body as { recreated: number[]; updated: number[]; deleted: string[]; adopted_pause: number[] };
  }

  function describeSchedule(id: number) {
    return platform.temporal.client.schedule.getHandle(`job-${id}`).describe();
  }

  async function completedRuns(id: number, atLeast: number) {
    return eventually(
      async () => {
        const runs = await platform.api('GET', `/jobs/${id}/runs?status=COMPLETED`);
        return runs.body.items.length >= atLeast ? runs.body.items : undefined;
      },
      { timeoutMs: 45_000 },
    );
  }

  it('changes nothing when schedules match their rows', async () => {
    await createJob({ overlap: 'skip', jitter: 5, end_at: '2040-01-01T00:00:00Z', timezone: 'Europe/London' });
    await createJob({ enabled: false });
    expect(await reconcile()).toEqual({ recreated: [], updated: [], deleted: [], adopted_pause: [], repaired_stalled: [] });
  });

  it('adopts a pause and an unpause made with the CLI: enabled and the note follow', async () => {
    const job = await createJob();
    await temporal('schedule', 'toggle', '--schedule-id', `job-${job.id}`, '--pause', '--reason', 'maintenance');
    expect(await reconcile()).toMatchObject({ adopted_pause: [job.id], updated: [], recreated: [] });
    const paused = await platform.api('GET', `/jobs/${job.id}`);
    expect(paused.body).toMatchObject({ enabled: false, pause_note: 'maintenance', schedule: { paused: true, note: 'maintenance' } });

    await temporal('schedule', 'toggle', '--schedule-id', `job-${job.id}`, '--unpause', '--reason', 'maintenance over');
    expect(await reconcile()).toMatchObject({ adopted_pause: [job.id] });
    const resumed = await platform.api('GET', `/jobs/${job.id}`);
    expect(resumed.body).toMatchObject({ enabled: true, pause_note: null, schedule: { paused: false, note: 'maintenance over' } });
    expect((await reconcile()).adopted_pause).toEqual([]);
  });

  it('records a run started with `temporal schedule trigger`', async () => {
    const job = await createJob();
    await temporal('schedule', 'trigger', '--schedule-id', `job-${job.id}`);
    const [run] = await completedRuns(job.id, 1);
    expect(run).toMatchObject({ job_id: job.id, status: 'COMPLETED', result: { alert_triggered: true } });
    expect(run.workflow_id).toMatch(new RegExp(`^job-${job.id}-`));
  });

  it('records the runs of `temporal schedule backfill`', async () => {
    const job = await createJob({ cron: '0 * * * *' });
    // The CLI's range is of the schedule's action times: an alert's start 30 s ahead of its fires (README, "Start ahead").
    await temporal('schedule', 'backfill', '--schedule-id', `job-${job.id}`, '--start-time', '2025-12-31T23:59:30Z', '--end-time', '2026-01-01T01:30:00Z', '--overlap-policy', 'AllowAll');
    const runs = await completedRuns(job.id, 2);
    expect(runs.map((run: { scheduled_for: string }) => run.scheduled_for).toSorted()).toEqual(['2026-01-01T00:00:00.000Z', '2026-01-01T01:00:00.000Z']);
  });

  it('puts a schedule changed with `temporal schedule update` back to its row', async () => {
    const job = await createJob({ cron: '0 12 * * *' });
    const before = await describeSchedule(job.id);
    await temporal('schedule', 'update', '--schedule-id', `job-${job.id}`, '--cron', '0 5 * * *', '--workflow-id', `job-${job.id}`, '--task-queue', 'alerts', '--type', 'priceAlertWorkflow');
    const changed = await describeSchedule(job.id);
    expect(changed.spec.calendars).not.toEqual(before.spec.calendars);

    expect(await reconcile()).toMatchObject({ updated: [job.id], recreated: [], deleted: [] });
    const after = await describeSchedule(job.id);
    expect(after.spec).toEqual(before.spec);
    expect(after.action).toMatchObject({ args: before.action.args, memo: before.action.memo, workflowExecutionTimeout: before.action.workflowExecutionTimeout });
    expect(after.info.createdAt).toEqual(before.info.createdAt);
    const shown = await platform.api('GET', `/jobs/${job.id}`);
    expect(shown.body).toMatchObject({ cron: '0 12 * * *', next_run_at: expect.stringMatching(/T12:00:00\.000Z$/) });
  });

  it('recreates a schedule deleted with `temporal schedule delete`', async () => {
    const job = await createJob({ cron: '30 6 * * 1', timezone: 'America/New_York' });
    const before = await describeSchedule(job.id);
    await temporal('schedule', 'delete', '--schedule-id', `job-${job.id}`);
    await expect(describeSchedule(job.id)).rejects.toBeInstanceOf(ScheduleNotFoundError);

    expect(await reconcile()).toMatchObject({ recreated: [job.id], updated: [] });
    const after = await describeSchedule(job.id);
    expect(after.spec).toEqual(before.spec);
    expect(after.action.args).toEqual(before.action.args);
    expect(after.state.paused).toBe(false);
    expect((await platform.api('GET', `/jobs/${job.id}`)).body.schedule).toMatchObject({ paused: false });
  });

  it('deletes a job-<id> schedule that has no row, and counts every change', async () => {
    await temporal('schedule', 'create', '--schedule-id', 'job-999999', '--cron', '0 0 1 1 *', '--workflow-id', 'job-999999', '--task-queue', 'alerts', '--type', 'priceAlertWorkflow', '--paused');
    // The reconciler finds schedules through visibility, which may lag the create by a moment.
    await eventually(async () => ((await reconcile()).deleted.includes('job-999999') ? true : undefined), { timeoutMs: 10_000 });
    await expect(describeSchedule(999_999)).rejects.toBeInstanceOf(ScheduleNotFoundError);

    const metrics = await fetch(`${platform.apiUrl}/metrics`).then((response) => response.text());
    for (const [change, count] of [['adopted_pause', 2], ['updated', 1], ['recreated', 1], ['deleted', 1]] as const) {
      expect(metrics).toContain(`keel_schedule_reconcile_changes_total{change="${change}"} ${count}`);
    }
  });
});
