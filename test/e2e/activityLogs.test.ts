import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { priceAlertJob } from '../helpers/jobs.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

// The log channel and activity logs: every line an activity logs names its workflow, run, job and activity.
describe('activity log context', () => {
  const lines: string[] = [];
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ db: 'sqlite', queues: ['alerts', 'notifications'], env: { TEST_LOG_LEVEL: 'info' }, logLines: lines });
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('carries workflow_id, run_id (the JobRun), temporal_run_id, job_id and the activity name on activity lines', async () => {
    const created = await platform.api('POST', '/jobs', priceAlertJob({ name: 'log me', target: 'ETHUSDT', task_params: { condition: 'above', value: 1 }, user_id: 5 }));
    const trigger = await platform.api('POST', `/jobs/${created.body.id}/trigger`);
    const run = await eventually(async () => {
      const { body } = await platform.api('GET', `/runs/${trigger.body.run_id}`);
      return body.status === 'COMPLETED' ? body : undefined;
    });

    // Temporal's runtime merges SDK and core logs in time order, so a line reaches pino a moment after it is logged.
    const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const fromActivities = await eventually(() => {
      const found = entries().filter((entry) => entry.sdkComponent === 'activity' && entry.workflow_id === run.workflow_id);
      return Promise.resolve(found.some((entry) => entry.msg === 'run finished') ? found : undefined);
    });
    expect(fromActivities.map((entry) => entry.msg)).toEqual(expect.arrayContaining(['price fetched', 'notification queued', 'run finished']));
    for (const entry of fromActivities) {
      expect(entry).toMatchObject({ workflow_id: run.workflow_id, run_id: run.run_id, temporal_run_id: run.temporal_run_id, job_id: created.body.id, activity: expect.any(String) });
    }
    expect(fromActivities.find((entry) => entry.msg === 'price fetched')).toMatchObject({ activity: 'getPrice', symbol: 'ETHUSDT', provider: 'simulated' });
    // The log channel delivered the alert itself as a structured line, from the notifications queue's outbox delivery.
    const delivered = await eventually(() => Promise.resolve(entries().find((entry) => entry.msg === 'Price alert: log me')));
    expect(delivered).toMatchObject({ notification: { job_id: created.body.id, user_id: 5, idempotency_key: `${run.workflow_id}/notify` } });
  });
});
