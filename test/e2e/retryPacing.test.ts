import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryDelayMs, type RetryPolicyConfig } from '../../lib/retryStrategies.ts';
import { startFakeBinance, type FakeBinance } from '../helpers/fakeBinance.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { startTestPlatform, triggerAndWait, type TestPlatform } from '../helpers/platform.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhookReceiver.ts';

// Delays of a second and more: in our runs the dev server dispatched sub-second retries about a second late.
const POLICIES = {
  market_data: { strategy: 'linear', base_delay: 1, max_delay: 5, max_attempts: 5, jitter: false },
  notify: { strategy: 'exponential', base_delay: 1, backoff_factor: 2, max_delay: 5, max_attempts: 5, jitter: false },
};
/** Temporal dispatches a retry through its timer queue and a poll: arrivals may lag the delay, never lead it by much. */
const EARLY_MS = 50;
const LATE_MS = 600;

const gaps = (arrivals: number[]) => arrivals.slice(1).map((at, i) => at - arrivals[i]!);
const expectGapsNear = (actual: number[], expected: number[]) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((gap, i) => {
    expect(gap, `gap ${i + 1} of ${actual.map(Math.round).join(', ')} (expected ${expected.join(', ')})`).toBeGreaterThanOrEqual(expected[i]! - EARLY_MS);
    expect(gap, `gap ${i + 1} of ${actual.map(Math.round).join(', ')} (expected ${expected.join(', ')})`).toBeLessThanOrEqual(expected[i]! + LATE_MS);
  });
};

// Temporal does the retrying: the fakes see attempts at the named policies' delays, set by the activity's failure
// (linear, Retry-After) or by the RetryPolicy the workflow built from the policy (exponential).
describe('retry policies paced by Temporal', () => {
  let binance: FakeBinance;
  let webhook: WebhookReceiver;
  let platform: TestPlatform;
  let configDir: string;

  beforeAll(async () => {
    configDir = mkdtempSync(join(tmpdir(), 'keel-config-'));
    cpSync(join(import.meta.dirname, '..', '..', 'config'), configDir, { recursive: true });
    const testYaml = readFileSync(join(configDir, 'test.yaml'), 'utf8');
    // The market data breaker must not open in the middle: this file is about retries alone.
    const breakers = { market_data: { failure_threshold: 1000 } };
    writeFileSync(join(configDir, 'test.yaml'), `${testYaml}\nerror_handling:\n  retry_policies: ${JSON.stringify(POLICIES)}\n  circuit_breakers: ${JSON.stringify(breakers)}\n`);
    binance = await startFakeBinance({ BTCUSDT: '50150.00' });
    webhook = await startWebhookReceiver();
    platform = await startTestPlatform({
      db: 'sqlite',
      queues: ['alerts'],
      env: { CONFIG_DIR: configDir, MARKET_DATA_PROVIDER: 'binance', MARKET_DATA_BASE_URL: binance.url, NOTIFY_CHANNEL: 'webhook', NOTIFY_WEBHOOK_URL: `${webhook.url}/hook` },
    });
  });

  afterAll(async () => {
    await platform?.close();
    await binance?.close();
    await webhook?.close();
    rmSync(configDir, { recursive: true, force: true });
  });

  // Webhook deliveries are paced by the outbox's own backoff (notifications/backoff.ts), not by Temporal.
  it('retries market data linearly, at the configured delays', async () => {
    const marketData = platform.config.error_handling.retry_policies.market_data!;
    expect(marketData).toMatchObject(POLICIES.market_data);
    binance.failNext(3, 503);
    const created = await platform.api('POST', '/jobs', priceAlertJob());
    const run = await triggerAndWait(platform, created.body.id);

    expect(run.status).toBe('COMPLETED');
    expect(run.result).toMatchObject({ alert_triggered: true, notification_sent: true });
    const expected = (policy: RetryPolicyConfig, retries: number) => Array.from({ length: retries }, (_, i) => retryDelayMs(policy, i + 1));
    expect(expected(marketData, 3)).toEqual([1000, 2000, 3000]);
    expectGapsNear(gaps(binance.arrivals), expected(marketData, 3));
  });

  it("waits out a 429's Retry-After instead of the policy's delay", async () => {
    binance.arrivals.length = 0;
    binance.failNext(1, 429, { 'retry-after': '2' });
    const created = await platform.api('POST', '/jobs', priceAlertJob());
    const run = await triggerAndWait(platform, created.body.id);

    expect(run.status).toBe('COMPLETED');
    expectGapsNear(gaps(binance.arrivals), [2000]);
  });

  it('never retries past max_attempts', async () => {
    binance.arrivals.length = 0;
    binance.failNext(100, 502);
    const created = await platform.api('POST', '/jobs', priceAlertJob());
    const run = await triggerAndWait(platform, created.body.id);
    binance.failNext(0, 500);

    expect(run.status).toBe('FAILED');
    expect(binance.arrivals).toHaveLength(POLICIES.market_data.max_attempts);
  });
});
