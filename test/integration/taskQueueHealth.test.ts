import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { activeTaskQueues } from '../../lib/jobTypes.ts';
import { createLogger } from '../../lib/logger.ts';
import { connectWorker, createKeelWorker, workerIdentity } from '../../workers/createWorker.ts';
import { createWorkerServices } from '../../workers/services.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

// /health asks Temporal who polls each task queue that has job types: a queue nobody serves fails it.
describe('GET /health and the task queues', () => {
  // A namespace of its own: in the shared ones, a worker of an earlier test file is still remembered as a poller for a while.
  const namespace = `keel-health-${randomUUID().slice(0, 8)}`;
  let platform: TestPlatform;

  beforeAll(async () => {
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    await eventually(() => connection.workflowService.describeNamespace({ namespace }).then(() => true, () => undefined));
    await connection.close();
    platform = await startTestPlatform({ db: 'sqlite', env: { TEMPORAL_NAMESPACE: namespace } });
  });

  afterAll(() => platform?.close());

  it('fails the alerts queue while no worker polls it, and passes once one does', async () => {
    const before = await fetch(`${platform.apiUrl}/health`);
    expect(before.status).toBe(503);
    expect(await before.json()).toMatchObject({
      status: 'fail',
      checks: { temporal: [{ status: 'pass' }], 'task_queue:alerts': [{ status: 'fail', output: expect.stringContaining('no worker polls task queue alerts') }] },
    });
    // Readiness is the API's own: it can serve without workers.
    expect((await fetch(`${platform.apiUrl}/health/ready`)).status).toBe(200);

    const connection = await connectWorker(platform.config.temporal);
    const logger = createLogger(platform.config, { role: 'test' });
    const workers: Worker[] = [];
    const runs: Promise<void>[] = [];
    try {
      // Every queue that has job types needs its poller for /health to pass.
      for (const queue of activeTaskQueues()) {
        const worker = await createKeelWorker({ connection, namespace, queue, services: createWorkerServices(platform.config, { orm: platform.orm, temporal: platform.temporal, logger, workerId: workerIdentity(queue) }) });
        workers.push(worker);
        runs.push(worker.run());
      }
      const after = await eventually(
        async () => {
          const body = (await (await fetch(`${platform.apiUrl}/health`)).json()) as { checks: Record<string, { status: string }[]> };
          return body.checks['task_queue:alerts']?.[0]?.status === 'pass' ? body : undefined;
        },
        { timeoutMs: 60_000 },
      );
      expect(after).toMatchObject({ status: 'pass', checks: { 'task_queue:alerts': [{ status: 'pass' }] } });
    } finally {
      // Every worker made is stopped before the connection closes, so a failure above is the one reported.
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await Promise.allSettled(runs);
      await connection.close();
    }
  }, 120_000);
});
