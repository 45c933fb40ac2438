import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JobSchedule, Report } from '../../db/entities/index.ts';
import { inTransaction } from '../../db/orm.ts';
import { DATABASE_KINDS } from '../helpers/databases.ts';
import { binanceKlines, startFakeBinance, type FakeBinance } from '../helpers/fakeBinance.ts';
import { startTestPlatform, triggerAndWait, type TestPlatform } from '../helpers/platform.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhookReceiver.ts';

/** A valid POST /jobs body for a report that never runs by itself. */
function reportJob(overrides: Record<string, unknown> = {}) {
  return { name: 'BTC daily', job_type: 'report', target: 'BTCUSDT', task_params: {}, cron: '0 0 1 1 *', user_id: 7, ...overrides };
}

/** Every byte of payload data in a workflow history: what a PNG passed through the workflow would swell. */
function payloadBytes(node: unknown): number {
  if (node instanceof Uint8Array) return node.length;
  if (node === null || typeof node !== 'object') return 0;
  return Object.values(node).reduce((sum: number, child) => sum + payloadBytes(child), 0);
}

// A rising, swinging market: 100 closed hourly candles from 100 to ~150, then the open candle at 151.
const CLOSES = Array.from({ length: 100 }, (_, i) => 100 + i * 0.5 + 3 * Math.sin(i / 2));

// Through the HTTP API, on both databases: a report job reads klines, stores the report and its chart, and delivers it with the PNG.
describe.each(DATABASE_KINDS)('report through the API on %s', (db) => {
  let binance: FakeBinance;
  let webhook: WebhookReceiver;
  let platform: TestPlatform;

  beforeAll(async () => {
    binance = await startFakeBinance({}, { BTCUSDT: binanceKlines(CLOSES, { openClose: 151 }), NEWUSDT: binanceKlines([1, 2, 3]) });
    webhook = await startWebhookReceiver();
    platform = await startTestPlatform({
      db,
      queues: ['reports', 'notifications'],
      env: { MARKET_DATA_PROVIDER: 'binance', MARKET_DATA_BASE_URL: binance.url, NOTIFY_CHANNEL: 'webhook', NOTIFY_WEBHOOK_URL: `${webhook.url}/hook` },
    });
  });

  afterAll(async () => {
    await platform?.close();
    await binance?.close();
    await webhook?.close();
  });

  beforeEach(() => {
    webhook.received.length = 0;
  });

  it('stores the report with its chart and delivers it once, the PNG attached but never in workflow history', async () => {
    const created = await platform.api('POST', '/jobs', reportJob({ task_params: { interval: '1h', candles: 90 } }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ job_type: 'report', task_params: { interval: '1h', candles: 90 } });

    const run = await triggerAndWait(platform, created.body.id);

    expect(run.status, JSON.stringify(run.error)).toBe('COMPLETED');
    expect(run.result).toMatchObject({ last_price: 151, trend: 'up', notification_sent: true });
    expect(binance.requests.at(-1)).toBe('/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=91');

    const report = await inTransaction(platform.orm, (em) => em.findOneOrFail(Report, { id: run.result.report_id }, { populate: ['chart_png'] }));
    expect(report).toMatchObject({ job_id: created.body.id, user_id: 7, symbol: 'BTCUSDT', interval: '1h', workflow_id: run.workflow_id });
    expect(report.summary).toMatchObject({ last_price: 151, trend: 'up' });
    expect(report.summary.indicators.sma_20).toBeCloseTo(CLOSES.slice(-20).reduce((a, b) => a + b) / 20, 6);
    expect(report.summary.support.every((level) => level < 151)).toBe(true);
    const png = Buffer.from(report.chart_png);
    expect(png.subarray(1, 4).toString()).toBe('PNG');

    expect(await webhook.untilReceived(1)).toHaveLength(1);
    const delivered = webhook.received[0]!;
    expect(delivered.headers['idempotency-key']).toBe(`${run.workflow_id}/notify`);
    expect(delivered.body).toMatchObject({ title: 'Report: BTC daily', data: { symbol: 'BTCUSDT', interval: '1h', report_id: report.id, trend: 'up' } });
    expect((delivered.body as { text: string }).text).toContain('support');
    expect(Buffer.from((delivered.body as { image_png_base64: string }).image_png_base64, 'base64').equals(png)).toBe(true);

    const history = await platform.temporal.client.workflow.getHandle(run.workflow_id).fetchHistory();
    expect(payloadBytes(history)).toBeLessThan(png.length / 2);
  });

  it('fails without retrying when the symbol has too few candles', async () => {
    const created = await platform.api('POST', '/jobs', reportJob({ target: 'NEWUSDT' }));
    const run = await triggerAndWait(platform, created.body.id);
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatchObject({ type: 'InsufficientMarketData', non_retryable: true });
    expect(webhook.received).toHaveLength(0);
  });

  it('refuses report params it could not read with a 422 naming the field', async () => {
    const before = await inTransaction(platform.orm, (em) => em.count(JobSchedule));
    const cases: [Record<string, unknown>, string][] = [
      [{ interval: '7m' }, 'task_params.interval'],
      [{ candles: 10 }, 'task_params.candles'],
      [{ candles: 5000 }, 'task_params.candles'],
      [{ indicator: 'vwap' }, 'task_params.indicator'],
    ];
    for (const [task_params, path] of cases) {
      const response = await platform.api('POST', '/jobs', reportJob({ task_params }));
      expect(response.status, JSON.stringify(task_params)).toBe(422);
      expect(response.body.errors.map((e: { path: string }) => e.path)).toEqual([path]);
    }
    expect(await inTransaction(platform.orm, (em) => em.count(JobSchedule))).toBe(before);
  });
});
