import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBinance, type FakeBinance } from '../helpers/fakeBinance.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { startTestPlatform, triggerAndWait, type TestPlatform } from '../helpers/platform.ts';

const RETRY = { strategy: 'fixed', base_delay: 0.5, max_attempts: 20, jitter: false };

// The fallback recovery end to end: with market data's breaker open, a price alert runs on the worker's last known
// price and its JobRun's result says so.
describe('price alert on the last known price', () => {
  let binance: FakeBinance;
  let platform: TestPlatform;
  let configDir: string;

  beforeAll(async () => {
    configDir = mkdtempSync(join(tmpdir(), 'keel-config-'));
    cpSync(join(import.meta.dirname, '..', '..', 'config'), configDir, { recursive: true });
    const testYaml = readFileSync(join(configDir, 'test.yaml'), 'utf8');
    writeFileSync(join(configDir, 'test.yaml'), `${testYaml}\nerror_handling:\n  retry_policies: ${JSON.stringify({ market_data: RETRY })}\n  circuit_breaker_sync_ms: 200\n`);
    binance = await startFakeBinance({ BTCUSDT: '50150.00' });
    platform = await startTestPlatform({ db: 'sqlite', queues: ['alerts'], env: { CONFIG_DIR: configDir, MARKET_DATA_PROVIDER: 'binance', MARKET_DATA_BASE_URL: binance.url } });
  });

  afterAll(async () => {
    await platform?.close();
    await binance?.close();
    rmSync(configDir, { recursive: true, force: true });
  });

  it('completes with price_stale and price_at while the breaker is open', async () => {
    const created = await platform.api('POST', '/jobs', priceAlertJob({ task_params: { condition: 'below', value: 1 } }));
    const fresh = await triggerAndWait(platform, created.body.id);
    expect(fresh.status).toBe('COMPLETED');
    expect(fresh.result).toEqual({ alert_triggered: false, current_price: 50150, notification_sent: false });

    // Opened by an admin; until the worker has read that, its calls fail and Temporal retries them.
    expect((await platform.api('POST', '/circuit-breakers/market_data', { state: 'open' })).status).toBe(200);
    binance.failNext(1_000, 500);
    const stale = await triggerAndWait(platform, created.body.id);
    expect(stale.status).toBe('COMPLETED');
    expect(stale.result).toMatchObject({ alert_triggered: false, current_price: 50150, price_stale: true, price_at: expect.any(String) });
    // The quote of the first run, taken before this run began.
    expect(Date.parse(stale.result.price_at)).toBeLessThan(Date.parse(stale.started_at));
  });
});
