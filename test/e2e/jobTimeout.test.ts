import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_TYPES, applyJobTypeConfig } from '../../lib/jobTypes.ts';
import { createLogger } from '../../lib/logger.ts';
import { reconcileRuns } from '../../lib/runReconciler.ts';
import { startLoopbackServer, type LoopbackServer } from '../helpers/httpServer.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

// A per-type timeout from config bounds the whole run: a market that never answers ends the run TIMED_OUT.
describe('job_types.<type>.execution_timeout_ms', () => {
  let market: LoopbackServer;
  let platform: TestPlatform;
  const original = JOB_TYPES.price_alert.run;

  beforeAll(async () => {
    // Takes every request and never answers: each attempt hangs until the client's own timeout.
    market = await startLoopbackServer(() => undefined);
    applyJobTypeConfig({ price_alert: { execution_timeout_ms: 3_000 } });
    platform = await startTestPlatform({ db: 'sqlite', queues: ['alerts'], env: { MARKET_DATA_PROVIDER: 'binance', MARKET_DATA_BASE_URL: market.url } });
  });

  afterAll(async () => {
    await platform?.close();
    await market?.close();
    JOB_TYPES.price_alert.run = original;
  });

  it('gives the schedule and triggered runs the configured timeout, and the run ends TIMED_OUT', async () => {
    expect(JOB_TYPES.indicator_alert.run.executionTimeoutMs).toBe(original.executionTimeoutMs);
    const job = (await platform.api('POST', '/jobs', priceAlertJob())).body;
    const schedule = await platform.temporal.client.schedule.getHandle(job.schedule_id).describe();
    expect(schedule.action).toMatchObject({ workflowExecutionTimeout: 3_000 });

    const trigger = await platform.api('POST', `/jobs/${job.id}/trigger`);
    const handle = platform.temporal.client.workflow.getHandle(trigger.body.workflow_id);
    await eventually(async () => ((await handle.describe()).status.name === 'TIMED_OUT' ? true : undefined), { timeoutMs: 20_000 });

    // The worker cannot record a run Temporal ended: the run reconciler does, from Temporal's record.
    await reconcileRuns({ orm: platform.orm, temporal: platform.temporal, logger: createLogger(platform.config, { role: 'test' }) }, { graceMs: 0 });
    const run = await platform.api('GET', `/runs/${trigger.body.run_id}`);
    expect(run.body).toMatchObject({ status: 'TIMED_OUT', error: { type: 'WorkflowExecutionTimeout' } });
  });

  it('refuses an override for a job type that does not exist', () => {
    expect(() => applyJobTypeConfig({ price_alarm: { execution_timeout_ms: 5_000 } })).toThrow('job_types.price_alarm: no such job type');
  });
});
