import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type ThrowawayPostgres } from '../../scripts/postgres.ts';
import { sendJson, startLoopbackServer, type LoopbackServer } from '../helpers/httpServer.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

const RUNS = 6;
const OUTAGE_MS = 10_000;

// A PostgreSQL of this file's own, stopped for 10 s while runs are in flight on a worker: the runs finish once it is
// back, and each JobRun row tells their story once and consistently. Nothing is restarted.
describe('runs across a 10 s PostgreSQL outage', () => {
  let postgres: ThrowawayPostgres;
  let market: LoopbackServer;
  let platform: TestPlatform;

  beforeAll(async () => {
    postgres = await startPostgres();
    // Each price takes a second: the runs are mid-activity when the database goes.
    market = await startLoopbackServer((_req, _body, res) => setTimeout(() => sendJson(res, 200, { symbol: 'BTCUSDT', price: '50150.00' }), 1_000));
    platform = await startTestPlatform({ db: 'postgresql', postgresServerUrl: postgres.url, queues: ['alerts'], env: { MARKET_DATA_PROVIDER: 'binance', MARKET_DATA_BASE_URL: market.url } });
  });

  afterAll(async () => {
    await platform?.close();
    await market?.close();
    await postgres?.stop();
  });

  it('completes every run in flight, records each once, and readiness is 503 during the outage and 200 after', { timeout: 240_000 }, async () => {
    const job = (await platform.api('POST', '/jobs', priceAlertJob())).body;
    const triggers = await Promise.all(Array.from({ length: RUNS }, () => platform.api('POST', `/jobs/${job.id}/trigger`)));
    expect(triggers.map((trigger) => trigger.status)).toEqual(Array(RUNS).fill(202));

    await sleep(300);
    await postgres.pause();
    await sleep(1_000);
    expect((await platform.api('GET', '/health/ready')).status).toBe(503);
    await sleep(OUTAGE_MS - 1_000);
    await postgres.resume();
    await eventually(async () => ((await platform.api('GET', '/health/ready')).status === 200 ? true : undefined), { timeoutMs: 15_000 });

    // Database activities back off while the server is gone; on a loaded machine their retries land well after it is back.
    const runs = await eventually(async () => {
      const page = await platform.api('GET', `/jobs/${job.id}/runs`);
      return page.status === 200 && page.body.items.length === RUNS && page.body.items.every((run: { status: string }) => run.status === 'COMPLETED') ? page.body.items : undefined;
    }, { timeoutMs: 110_000 });
    for (const run of runs) {
      expect(run).toMatchObject({ status: 'COMPLETED', error: null, result: { alert_triggered: true, current_price: 50150 } });
      expect(Date.parse(run.started_at)).toBeLessThanOrEqual(Date.parse(run.finished_at));
      const description = await platform.temporal.client.workflow.getHandle(run.workflow_id).describe();
      expect(description.status.name).toBe('COMPLETED');
      expect(run.temporal_run_id).toBe(description.runId);
    }
    expect(new Set(runs.map((run: { workflow_id: string }) => run.workflow_id))).toEqual(new Set(triggers.map((trigger) => trigger.body.workflow_id)));
  });
});
