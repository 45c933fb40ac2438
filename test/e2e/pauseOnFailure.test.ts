import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseKind } from '../../db/orm.ts';
import { startFakeBinance, type FakeBinance } from '../helpers/fakeBinance.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

// Every 5 minutes on 1–5 January only: backfills start scheduled runs on demand, and the live schedule never fires during the test.
const JANUARY_CRON = '*/5 * 1-5 1 *';

describe.each<DatabaseKind>(['sqlite', 'postgresql'])('pause_on_failure after N failures in a row (%s)', (db) => {
  let binance: FakeBinance;
  let platform: TestPlatform;

  beforeAll(async () => {
    binance = await startFakeBinance({ BTCUSDT: '50150.00' });
    platform = await startTestPlatform({ db, queues: ['alerts'], env: { MARKET_DATA_PROVIDER: 'binance', MARKET_DATA_BASE_URL: binance.url } });
  });

  afterAll(async () => {
    await platform?.close();
    await binance?.close();
  });

  /** Backfills the one fire at `minute` past midnight of 1 January 2026 and waits until its run has failed and the workflow closed. */
  async function failOneScheduledRun(jobId: number, minute: number): Promise<void> {
    const start = new Date(Date.UTC(2026, 0, 1, 0, minute));
    const backfill = await platform.api('POST', `/jobs/${jobId}/backfill`, { start_time: start.toISOString(), end_time: new Date(start.getTime() + 1_000).toISOString() });
    expect(backfill.body).toEqual({ fires: 1 });
    const run = await eventually(async () => {
      const runs = await platform.api('GET', `/jobs/${jobId}/runs?status=FAILED`);
      return runs.body.items.find((item: { scheduled_for: string }) => item.scheduled_for === start.toISOString());
    });
    expect(run.error).toMatchObject({ type: 'InvalidSymbol' });
    // The recorder checks the streak before the workflow closes: once it has closed, the check is done.
    await expect(platform.temporal.client.workflow.getHandle(run.workflow_id).result()).rejects.toThrow();
  }

  it('pauses the job at the Nth scheduled failure with a note saying why, and a resume starts the count afresh', async () => {
    const created = await platform.api('POST', '/jobs', priceAlertJob({ target: 'NOPEUSDT', cron: JANUARY_CRON, overlap: 'allow_all', pause_on_failure: true, pause_after_failures: 2 }));
    expect(created.body).toMatchObject({ pause_on_failure: true, pause_after_failures: 2 });
    const jobId: number = created.body.id;
    // Temporal's own pause_on_failure would pause at the first failure: Keel counts instead.
    expect((await platform.temporal.client.schedule.getHandle(`job-${jobId}`).describe()).policies.pauseOnFailure).toBe(false);

    // A manual run is someone trying things out: its failure does not count.
    expect((await platform.api('POST', `/jobs/${jobId}/trigger`)).status).toBe(202);
    await failOneScheduledRun(jobId, 0);
    expect((await platform.api('GET', `/jobs/${jobId}`)).body).toMatchObject({ enabled: true, schedule: { paused: false } });

    await failOneScheduledRun(jobId, 5);
    const paused = (await platform.api('GET', `/jobs/${jobId}`)).body;
    expect(paused).toMatchObject({ enabled: false, schedule: { paused: true } });
    expect(paused.pause_note).toMatch(new RegExp(`^paused by Keel after 2 consecutive failed runs; the last, job-${jobId}-2026-01-01T00:05:00Z, ended FAILED at .*InvalidSymbol`));
    expect(paused.schedule.note).toBe(paused.pause_note);

    expect((await platform.api('POST', `/jobs/${jobId}/resume`)).body).toMatchObject({ enabled: true, pause_note: null });
    await failOneScheduledRun(jobId, 10);
    expect((await platform.api('GET', `/jobs/${jobId}`)).body).toMatchObject({ enabled: true, schedule: { paused: false } });
    await failOneScheduledRun(jobId, 15);
    expect((await platform.api('GET', `/jobs/${jobId}`)).body).toMatchObject({ enabled: false, schedule: { paused: true } });
  });

  it('never pauses a job without pause_on_failure, however often it fails', async () => {
    const created = await platform.api('POST', '/jobs', priceAlertJob({ target: 'NOPEUSDT', cron: JANUARY_CRON, overlap: 'allow_all', pause_after_failures: 1 }));
    await failOneScheduledRun(created.body.id, 0);
    await failOneScheduledRun(created.body.id, 5);
    expect((await platform.api('GET', `/jobs/${created.body.id}`)).body).toMatchObject({ enabled: true, pause_on_failure: false, schedule: { paused: false } });
  });
});
