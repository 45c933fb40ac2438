import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJson, startLoopbackServer, type LoopbackServer } from '../helpers/httpServer.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

// worker.queues.<queue>.max_concurrent_activities is a bulkhead: the alerts worker, limited to one activity at a time,
// never has two market-data requests in flight, however many runs are waiting.
describe('per-queue concurrency limit (bulkhead)', () => {
  let market: LoopbackServer;
  let platform: TestPlatform;
  let configDir: string;
  let inFlight = 0;
  let mostInFlight = 0;
  let served = 0;

  beforeAll(async () => {
    market = await startLoopbackServer((_req, _body, res) => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        served++;
        sendJson(res, 200, { symbol: 'BTCUSDT', price: '1.00' });
      }, 300);
    });
    configDir = mkdtempSync(join(tmpdir(), 'keel-config-'));
    cpSync(join(import.meta.dirname, '..', '..', 'config'), configDir, { recursive: true });
    writeFileSync(join(configDir, 'test.yaml'), 'worker:\n  queues:\n    alerts: { max_concurrent_activities: 1, max_concurrent_workflow_tasks: 10 }\n', { flag: 'a' });
    platform = await startTestPlatform({ db: 'sqlite', queues: ['alerts'], env: { CONFIG_DIR: configDir, MARKET_DATA_PROVIDER: 'binance', MARKET_DATA_BASE_URL: market.url } });
  });

  afterAll(async () => {
    await platform?.close();
    await market?.close();
    rmSync(configDir, { recursive: true, force: true });
  });

  it('runs one activity at a time on the alerts queue, and every run still completes', async () => {
    expect(platform.config.worker.queues.alerts).toEqual({ max_concurrent_activities: 1, max_concurrent_workflow_tasks: 10 });
    const job = (await platform.api('POST', '/jobs', priceAlertJob())).body;
    const triggers = await Promise.all(Array.from({ length: 4 }, () => platform.api('POST', `/jobs/${job.id}/trigger`)));

    await eventually(async () => {
      const runs = await Promise.all(triggers.map((trigger) => platform.api('GET', `/runs/${trigger.body.run_id}`)));
      return runs.every((run) => run.body.status === 'COMPLETED') ? true : undefined;
    });
    expect(served).toBe(4);
    expect(mostInFlight).toBe(1);
  });
});
