import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorEvent, JobRun } from '../../db/entities/index.ts';
import { inTransaction } from '../../db/orm.ts';
import { closeOpenRun, enqueueRun } from '../../db/repositories/jobRuns.ts';
import { ErrorEventRecorder } from '../../lib/errorEvents.ts';
import { createLogger } from '../../lib/logger.ts';
import { reconcileRuns, type ReconcileOptions } from '../../lib/runReconciler.ts';
import { startRunReconciliation } from '../../lib/runReconciliation.ts';
import { jobInputOf, jobMemoOf, jobSearchAttributesOf, type ScheduledJob } from '../../lib/scheduleOptions.ts';
import { DATABASE_KINDS } from '../helpers/databases.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

// Runs that end where the run recorder cannot see them, closed from Temporal's record, against the real dev server.
describe.each(DATABASE_KINDS)('run reconciliation on %s', (kind) => {
  let platform: TestPlatform;
  let job: ScheduledJob;
  const logLines: string[] = [];

  beforeAll(async () => {
    platform = await startTestPlatform({ db: kind, queues: ['alerts'] });
    const created = await platform.api('POST', '/jobs', priceAlertJob());
    expect(created.status).toBe(201);
    job = created.body;
  });

  afterAll(async () => {
    await platform?.close();
  });

  const deps = () => ({ orm: platform.orm, temporal: platform.temporal, logger: createLogger({ app_env: 'test', log: { level: 'info' } }, {}, { write: (line: string) => logLines.push(line) }) });
  const reconcile = (options: ReconcileOptions = {}) => reconcileRuns(deps(), { graceMs: 0, ...options });
  // The namespace outlives each block: workflow IDs name the database so the two never meet.
  const workflowIdFor = (what: string) => `job-${job.id}-${kind}-${what}-${Date.now()}`;
  const runOf = (workflowId: string) => inTransaction(platform.orm, (em) => em.findOne(JobRun, { workflow_id: workflowId }));

  /** A job workflow no worker will ever take: its task queue has no poller. */
  function startUnpolled(workflowId: string, workflowExecutionTimeout = '1 hour') {
    return platform.temporal.client.workflow.start('priceAlertWorkflow', {
      workflowId,
      taskQueue: 'unpolled',
      args: [jobInputOf(job)],
      memo: { ...jobMemoOf(job) },
      typedSearchAttributes: jobSearchAttributesOf(job),
      workflowExecutionTimeout,
    });
  }

  /** What a manual trigger writes before it asks Temporal. */
  async function enqueue(workflowId: string): Promise<number> {
    const now = new Date();
    return inTransaction(platform.orm, async (em) => {
      const run = enqueueRun(em, { workflow_id: workflowId, job_id: job.id, job_type: job.job_type, user_id: job.user_id, job_snapshot: { ...jobInputOf(job) }, scheduled_for: now, enqueued_at: now });
      await em.flush();
      return run.run_id;
    });
  }

  async function triggerAndComplete(): Promise<JobRun> {
    const trigger = await platform.api('POST', `/jobs/${job.id}/trigger`);
    expect(trigger.status).toBe(202);
    // The run row is written by the workflow's last activity: the execution itself closes a moment later.
    await platform.temporal.client.workflow.getHandle(trigger.body.workflow_id).result();
    return eventually(async () => {
      const run = await runOf(trigger.body.workflow_id);
      return run?.status === 'COMPLETED' ? run : undefined;
    });
  }

  it('closes a terminated run as CANCELLED with the terminate reason, and logs it', async () => {
    const workflowId = workflowIdFor('terminated');
    const runId = await enqueue(workflowId);
    const handle = await startUnpolled(workflowId);
    await handle.terminate('operator stopped it');

    await reconcile();

    const run = await runOf(workflowId);
    expect(run).toMatchObject({ status: 'CANCELLED', error: { type: 'Terminated', message: 'operator stopped it' }, result: null, temporal_run_id: handle.firstExecutionRunId });
    expect(run!.finished_at).toBeInstanceOf(Date);
    const logged = logLines.map((line) => JSON.parse(line)).find((line) => line.workflow_id === workflowId);
    expect(logged).toMatchObject({ msg: 'run closed from Temporal', run_id: runId, temporal_run_id: handle.firstExecutionRunId, from: 'ENQUEUED', status: 'CANCELLED' });
  });

  it('closes a run whose workflow execution timed out as TIMED_OUT', async () => {
    const workflowId = workflowIdFor('timeout');
    await enqueue(workflowId);
    const handle = await startUnpolled(workflowId, '1 second');
    await eventually(async () => ((await handle.describe()).status.name === 'TIMED_OUT' ? true : undefined));

    const errorEvents = new ErrorEventRecorder(platform.orm, createLogger({ app_env: 'test', log: { level: 'silent' } }));
    await reconcileRuns({ ...deps(), errorEvents }, { graceMs: 0 });
    await errorEvents.close();

    const run = await runOf(workflowId);
    expect(run).toMatchObject({ status: 'TIMED_OUT', error: { type: 'WorkflowExecutionTimeout', event_id: expect.any(String) } });
    // The run links to its ErrorEvent, as one the recorder closed would.
    const event = await inTransaction(platform.orm, (em) => em.findOneOrFail(ErrorEvent, { event_id: run!.error!.event_id! }));
    expect(event).toMatchObject({ component: 'price_alert', error_type: 'WorkflowExecutionTimeout', context: { run_id: run!.run_id, status: 'TIMED_OUT' } });
  });

  it('completes a run left RUNNING with the result the workflow returned', async () => {
    const completed = await triggerAndComplete();
    // As if recordRunFinished never landed (the database was down when the run ended).
    await inTransaction(platform.orm, (em) => em.nativeUpdate(JobRun, { run_id: completed.run_id }, { status: 'RUNNING', result: null, finished_at: null }));

    await reconcile();

    const run = await runOf(completed.workflow_id);
    expect(run).toMatchObject({ status: 'COMPLETED', result: completed.result, error: null });
    expect(run!.result).toMatchObject({ alert_triggered: expect.any(Boolean), current_price: expect.any(Number) });
  });

  it('fails an ENQUEUED run Temporal never started, once the grace has passed', async () => {
    const workflowId = workflowIdFor('never-started');
    await enqueue(workflowId);

    await reconcile({ graceMs: 60_000 });
    expect(await runOf(workflowId)).toMatchObject({ status: 'ENQUEUED' });

    await reconcile();
    expect(await runOf(workflowId)).toMatchObject({ status: 'FAILED', error: { type: 'NotStarted' }, temporal_run_id: null });
  });

  it('adds the run of a closed job workflow that has none, from two reconcilers at once', async () => {
    const workflowId = workflowIdFor('unrecorded');
    const handle = await startUnpolled(workflowId);
    await handle.terminate('schedule start never reached a worker');
    const started = (await handle.describe()).startTime;

    const run = await eventually(async () => {
      await Promise.all([reconcile(), reconcile()]);
      return (await runOf(workflowId)) ?? undefined;
    });

    expect(run).toMatchObject({
      status: 'CANCELLED',
      error: { type: 'Terminated', message: 'schedule start never reached a worker' },
      job_id: job.id,
      job_type: 'price_alert',
      user_id: job.user_id,
      job_snapshot: jobInputOf(job),
      temporal_run_id: handle.firstExecutionRunId,
      started_at: null,
      worker_id: null,
    });
    expect(run.scheduled_for).toEqual(started);
    expect(run.enqueued_at).toEqual(started);
    expect(await inTransaction(platform.orm, (em) => em.count(JobRun, { workflow_id: workflowId }))).toBe(1);
  });

  it('adds a completed run the recorder never wrote, with its result and worker', async () => {
    const completed = await triggerAndComplete();
    await inTransaction(platform.orm, (em) => em.nativeDelete(JobRun, { run_id: completed.run_id }));

    const run = await eventually(async () => {
      await reconcile();
      return (await runOf(completed.workflow_id)) ?? undefined;
    });

    expect(run).toMatchObject({ status: 'COMPLETED', result: completed.result, error: null, job_snapshot: completed.job_snapshot, worker_id: completed.worker_id });
    expect(run.started_at).toBeInstanceOf(Date);
  });

  it('never moves a run out of a final status', async () => {
    const completed = await triggerAndComplete();
    const closed = await inTransaction(platform.orm, (em) =>
      closeOpenRun(em, completed.run_id, { status: 'CANCELLED', error: { type: 'Terminated', message: 'late', non_retryable: false }, finished_at: new Date(), temporal_run_id: 'other' }),
    );
    expect(closed).toBe(false);
    expect(await runOf(completed.workflow_id)).toMatchObject({ status: 'COMPLETED', result: completed.result, temporal_run_id: completed.temporal_run_id });
  });

  it('changes nothing on a second pass', async () => {
    await reconcile();
    const before = await inTransaction(platform.orm, (em) => em.find(JobRun, {}, { orderBy: { run_id: 'asc' } }));

    expect(await reconcile()).toEqual({ closed: 0, created: 0 });

    const after = await inTransaction(platform.orm, (em) => em.find(JobRun, {}, { orderBy: { run_id: 'asc' } }));
    expect(after.map((run) => ({ ...run }))).toEqual(before.map((run) => ({ ...run })));
    expect(logLines.filter((line) => JSON.parse(line).level !== 'info')).toEqual([]);
  });

  it('reconciles at start without waiting for the first interval', async () => {
    const workflowId = workflowIdFor('periodic');
    await enqueue(workflowId);
    await (await startUnpolled(workflowId)).terminate('stopped');

    const reconciliation = startRunReconciliation(deps(), { intervalMs: 60_000, graceMs: 0 });
    const run = await eventually(async () => ((await runOf(workflowId))?.status === 'CANCELLED' ? true : undefined), { timeoutMs: 10_000 });
    await reconciliation.stop();
    expect(run).toBe(true);
  });

  it('keeps running when Temporal cannot be reached, and stops when asked', async () => {
    // Nothing listens on port 1; one attempt per call, so a pass fails at once.
    const connection = Connection.lazy({ address: '127.0.0.1:1', interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 1 }))] });
    const lines: string[] = [];
    const logger = createLogger({ app_env: 'test', log: { level: 'info' } }, {}, { write: (line: string) => lines.push(line) });
    const reconciliation = startRunReconciliation(
      { orm: platform.orm, temporal: { connection, client: new Client({ connection, namespace: 'default' }), namespace: 'default' }, logger },
      { intervalMs: 50 },
    );
    const failures = () => lines.filter((line) => line.includes('run reconciliation failed')).length;
    await eventually(() => Promise.resolve(failures() >= 2 ? true : undefined), { timeoutMs: 20_000 });
    await reconciliation.stop();
    const stoppedAt = failures();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(failures()).toBe(stoppedAt);
    await connection.close();
  });
});
