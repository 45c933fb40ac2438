import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBinance, type FakeBinance } from '../helpers/fakeBinance.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { eventually, startTestPlatform, triggerAndWait, type TestPlatform } from '../helpers/platform.ts';

const BREAKER = { failure_threshold: 2, failure_window: 60, recovery_timeout: 3, success_threshold: 1, half_open_max_calls: 1 };
const RETRY = { strategy: 'fixed', base_delay: 1, max_attempts: 20, jitter: false };

// The breaker and Temporal's retries together: while OPEN the activity fails fast and its next retry waits for
// half-open, so the dependency sees no call until then and the run still completes.
describe('an open circuit paces Temporal retries', () => {
  let binance: FakeBinance;
  let platform: TestPlatform;
  let configDir: string;

  beforeAll(async () => {
    configDir = mkdtempSync(join(tmpdir(), 'keel-config-'));
    cpSync(join(import.meta.dirname, '..', '..', 'config'), configDir, { recursive: true });
    const testYaml = readFileSync(join(configDir, 'test.yaml'), 'utf8');
    writeFileSync(
      join(configDir, 'test.yaml'),
      `${testYaml}\nerror_handling:\n  retry_policies: ${JSON.stringify({ market_data: RETRY })}\n  circuit_breakers: ${JSON.stringify({ market_data: BREAKER })}\n  circuit_breaker_sync_ms: 200\n`,
    );
    binance = await startFakeBinance({ BTCUSDT: '50150.00' });
    platform = await startTestPlatform({ db: 'sqlite', queues: ['alerts'], env: { CONFIG_DIR: configDir, MARKET_DATA_PROVIDER: 'binance', MARKET_DATA_BASE_URL: binance.url } });
  });

  afterAll(async () => {
    await platform?.close();
    await binance?.close();
    rmSync(configDir, { recursive: true, force: true });
  });

  it('sends no call while open, one trial at half-open, and completes the run', async () => {
    binance.failNext(2, 500);
    const created = await platform.api('POST', '/jobs', priceAlertJob());
    const run = await triggerAndWait(platform, created.body.id);

    expect(run.status).toBe('COMPLETED');
    expect(run.result).toMatchObject({ alert_triggered: true, current_price: 50150 });
    // Two failures opened it; the next call the fake saw was the trial, recovery_timeout later, not a retry a second later.
    expect(binance.arrivals).toHaveLength(3);
    expect(binance.arrivals[2]! - binance.arrivals[1]!).toBeGreaterThanOrEqual(BREAKER.recovery_timeout * 1000 - 50);
    // Events are written in batches behind the caller: wait for the last one.
    const transitions = await eventually(async () => {
      const page = await platform.api('GET', '/errors?component=circuit_breaker');
      return page.body.items.length >= 3 ? page.body.items : undefined;
    });
    expect(transitions.map((event: any) => event.error_type)).toEqual(['CircuitClosed', 'CircuitHalfOpen', 'CircuitOpened']);
    const failedFast = await platform.api('GET', '/errors?component=market_data&severity=warning');
    expect(failedFast.body.items.length).toBeGreaterThanOrEqual(1);
    expect(failedFast.body.items.every((event: any) => event.error_type === 'CircuitOpen')).toBe(true);
    expect((await platform.api('GET', '/circuit-breakers')).body.find((breaker: any) => breaker.name === 'market_data')).toMatchObject({ state: 'closed' });
  });
});
