import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobRunActivities } from '../../activities/jobRuns.ts';
import { ErrorEvent, JobRun } from '../../db/entities/index.ts';
import { inTransaction, initORM, migrate, type Orm } from '../../db/orm.ts';
import type { Config } from '../../lib/config.ts';
import { ErrorEventRecorder } from '../../lib/errorEvents.ts';
import { createLogger } from '../../lib/logger.ts';
import { installTemporalRuntime } from '../../lib/temporalRuntime.ts';
import { reconcileRuns } from '../../lib/runReconciler.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.ts';
import { testNamespace } from '../helpers/platform.ts';
import { startTestWorker, type TestWorker } from '../helpers/testWorker.ts';
import type { RecorderTestActivities } from '../workflows/jobRunWorkflows.ts';

// The run recorder interceptor with job workflows of the test's own: compensations on the JobRun, continue-as-new as one run.
const TASK_QUEUE = 'job-run-recorder-test';
const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/jobRunWorkflows.ts', import.meta.url));
const INTERCEPTOR_PATH = fileURLToPath(new URL('../../workflows/jobRunInterceptor.ts', import.meta.url));

describe('the JobRun recorder', () => {
  let database: TestDatabase;
  let orm: Orm;
  let testWorker: TestWorker;
  let client: Client;
  let errorEvents: ErrorEventRecorder;
  const undone: { step: string; key: string }[] = [];

  beforeAll(async () => {
    // The suite's log level: the failures these workflows expect stay quiet.
    installTemporalRuntime(createLogger({ app_env: 'test', log: { level: (process.env.TEST_LOG_LEVEL ?? 'error') as Config['log']['level'] } }));
    database = await createTestDatabase('sqlite');
    orm = await initORM({ url: database.url });
    await migrate(orm);
    errorEvents = new ErrorEventRecorder(orm, createLogger({ app_env: 'test', log: { level: 'silent' } }));
    const activities: RecorderTestActivities = {
      doStep: (step, fail) => (fail ? Promise.reject(ApplicationFailure.nonRetryable(`${step} failed`, 'StepFailed')) : Promise.resolve(`receipt-${step}`)),
      undoStep: (step, key) => Promise.resolve(void undone.push({ step, key })),
    };
    testWorker = await startTestWorker({
      taskQueue: TASK_QUEUE,
      workflowsPath: WORKFLOWS_PATH,
      interceptors: { workflowModules: [INTERCEPTOR_PATH] },
      activities: { ...createJobRunActivities({ orm, workerId: 'recorder-test', errorEvents }), ...activities },
    });
    client = testWorker.client;
  });

  afterAll(async () => {
    await testWorker?.close();
    await errorEvents?.close();
    await orm?.close();
    await database?.drop();
  });

  const start = (workflowType: string, jobId: number, taskParams: Record<string, unknown>, taskQueue = TASK_QUEUE) => {
    const job = { job_id: jobId, user_id: 1, name: `recorder ${jobId}`, job_type: 'test', target: 'X', task_params: taskParams };
    return client.workflow.start(workflowType, {
      taskQueue,
      workflowId: `job-${jobId}-manual-${Date.now()}`,
      args: [job],
      memo: { job_id: jobId, name: job.name, job_type: 'test', user_id: 1 },
    });
  };
  const runOf = (workflowId: string) => inTransaction(orm, (em) => em.findOneOrFail(JobRun, { workflow_id: workflowId }));

  it('records the original failure and the compensations a saga ran, newest first', async () => {
    const handle = await start('sagaJobWorkflow', 101, { fail_at: 3 });
    await expect(handle.result()).rejects.toThrow();
    const run = await runOf(handle.workflowId);
    expect(run.status).toBe('FAILED');
    expect(run.error).toEqual({
      type: 'StepFailed',
      message: 'step-3 failed',
      non_retryable: true,
      compensations: [
        { step: 'step-2', status: 'compensated' },
        { step: 'step-1', status: 'compensated' },
      ],
      event_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    await errorEvents.flush();
    const event = await inTransaction(orm, (em) => em.findOneOrFail(ErrorEvent, { event_id: run.error!.event_id! }));
    expect(event).toMatchObject({ component: 'test', error_type: 'StepFailed', message: 'step-3 failed', severity: 'error', user_id: 1, resolved: false, context: { job_id: 101, workflow_id: handle.workflowId } });
    expect(undone).toEqual([
      { step: 'step-2', key: `${handle.workflowId}/step-2/compensate` },
      { step: 'step-1', key: `${handle.workflowId}/step-1/compensate` },
    ]);
  });

  it('records a workflow that continues as new as one run that completes, never FAILED on the way', async () => {
    const handle = await start('continuingJobWorkflow', 102, { remaining: 2 });
    expect(await handle.result()).toEqual({ done: true });
    const description = await handle.describe();
    const run = await runOf(handle.workflowId);
    expect(run).toMatchObject({ status: 'COMPLETED', result: { done: true }, error: null, temporal_run_id: description.runId });
    expect(await inTransaction(orm, (em) => em.count(JobRun, { job_id: 102 }))).toBe(1);
  });

  it('lets the job finish when the database cannot take the record, and the reconciler records the outcome afterwards', async () => {
    const queue = `${TASK_QUEUE}-database-down`;
    const recorder = createJobRunActivities({ orm, workerId: 'recorder-test', errorEvents });
    const downWorker = await Worker.create({
      connection: testWorker.workerConnection,
      namespace: testNamespace(),
      taskQueue: queue,
      workflowsPath: WORKFLOWS_PATH,
      interceptors: { workflowModules: [INTERCEPTOR_PATH] },
      activities: { ...recorder, recordRunFinished: () => Promise.reject(new Error('connect ECONNREFUSED: the database is down')) },
    });
    const handle = await downWorker.runUntil(async () => {
      const started = await start('continuingJobWorkflow', 103, { remaining: 0 }, queue);
      expect(await started.result()).toEqual({ done: true });
      return started;
    });
    expect(await runOf(handle.workflowId)).toMatchObject({ status: 'RUNNING' });

    const logger = createLogger({ app_env: 'test', log: { level: 'silent' } });
    await reconcileRuns({ orm, temporal: { connection: testWorker.connection, client, namespace: testNamespace() }, logger }, { graceMs: 0 });
    expect(await runOf(handle.workflowId)).toMatchObject({ status: 'COMPLETED', result: { done: true }, error: null });
  }, 60_000);
});
