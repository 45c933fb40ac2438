import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Alert, JobSchedule } from '../../db/entities/index.ts';
import { inTransaction } from '../../db/orm.ts';
import { DATABASE_KINDS } from '../helpers/databases.ts';
import { binanceKlines, startFakeBinance, type FakeBinance } from '../helpers/fakeBinance.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { startTestPlatform, triggerAndWait, type TestPlatform } from '../helpers/platform.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhookReceiver.ts';

// Through the HTTP API, on both databases: the crosses, change_pct, one-shot and re-arm price alerts, run after run,
// against a Binance-format server whose price the test moves, notifying (through the outbox) a webhook receiver that counts deliveries.
describe.each(DATABASE_KINDS)('price alert modes on %s', (db) => {
  let binance: FakeBinance;
  let webhook: WebhookReceiver;
  let platform: TestPlatform;

  beforeAll(async () => {
    // SOLUSDT's latest hourly candle opened at 100: the ticker's price is the move from there.
    binance = await startFakeBinance({ BTCUSDT: '100.00', SOLUSDT: '106.00' }, { SOLUSDT: binanceKlines([90, 95], { openClose: 100 }) });
    webhook = await startWebhookReceiver();
    platform = await startTestPlatform({
      db,
      queues: ['alerts', 'notifications'],
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

  /** Sets BTCUSDT's price, runs the job once, answers whether it fired. */
  async function runAt(jobId: number, price: number): Promise<boolean> {
    binance.prices.set('BTCUSDT', price.toFixed(2));
    const run = await triggerAndWait(platform, jobId);
    expect(run.status, JSON.stringify(run.error)).toBe('COMPLETED');
    return run.result.alert_triggered as boolean;
  }

  const alertsOf = (jobId: number) => inTransaction(platform.orm, (em) => em.find(Alert, { job_id: jobId }, { orderBy: { id: 'asc' } }));

  it('records the first price of crosses_above, then fires each later crossing once, with its history', async () => {
    const created = await platform.api('POST', '/jobs', priceAlertJob({ task_params: { condition: 'crosses_above', value: 100 } }));
    expect(created.status).toBe(201);
    expect(created.body.task_params).toEqual({ condition: 'crosses_above', value: 100, timeframe: '1m', mode: 'every_time' });
    const id = created.body.id as number;

    const fired = [];
    for (const price of [105, 99, 101, 102, 98, 100.5]) fired.push(await runAt(id, price));

    expect(fired).toEqual([false, false, true, false, false, true]);
    expect(await webhook.untilReceived(2)).toHaveLength(2);
    const alerts = await alertsOf(id);
    expect(alerts.map((alert) => [alert.condition, alert.value, alert.price])).toEqual([
      ['crosses_above', 100, 101],
      ['crosses_above', 100, 100.5],
    ]);
    expect(alerts.map((alert) => `${alert.workflow_id}/notify`)).toEqual(webhook.received.map((hook) => hook.headers['idempotency-key']));
    expect(alerts[0]!.fired_at).toBeInstanceOf(Date);

    const listed = await platform.api('GET', `/jobs/${id}/alerts?limit=1`);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([{ id: alerts[1]!.id, job_id: id, job_type: 'price_alert', user_id: 7, symbol: 'BTCUSDT', condition: 'crosses_above', value: 100, price: 100.5, fired_at: alerts[1]!.fired_at.toISOString(), workflow_id: alerts[1]!.workflow_id, temporal_run_id: alerts[1]!.temporal_run_id }]);
    const rest = await platform.api('GET', `/jobs/${id}/alerts?cursor=${listed.body.next_cursor}`);
    expect(rest.body).toMatchObject({ items: [{ id: alerts[0]!.id, price: 101 }], next_cursor: null });
    expect((await platform.api('GET', '/jobs/999999/alerts')).status).toBe(404);
  });

  it('fires crosses_below on the way down only', async () => {
    const id = (await platform.api('POST', '/jobs', priceAlertJob({ task_params: { condition: 'crosses_below', value: 100 } }))).body.id as number;
    const fired = [];
    for (const price of [101, 99, 98, 101, 99]) fired.push(await runAt(id, price));
    expect(fired).toEqual([false, true, false, false, true]);
    expect(await webhook.untilReceived(2)).toHaveLength(2);
  });

  it('fires change_pct on the move within the latest timeframe candle, read from klines', async () => {
    const rising = await platform.api('POST', '/jobs', priceAlertJob({ target: 'SOLUSDT', task_params: { condition: 'change_pct', value: 5, timeframe: '1h' } }));
    const run = await triggerAndWait(platform, rising.body.id);
    expect(run.result).toEqual({ alert_triggered: true, current_price: 106, change_pct: 6, notification_sent: true });
    expect(binance.requests).toContain('/api/v3/klines?symbol=SOLUSDT&interval=1h&limit=1');
    expect((await webhook.untilReceived(1))[0]!.body).toMatchObject({ data: { symbol: 'SOLUSDT', change_pct: 6 } });

    const falling = await platform.api('POST', '/jobs', priceAlertJob({ target: 'SOLUSDT', task_params: { condition: 'change_pct', value: -5, timeframe: '1h' } }));
    expect((await triggerAndWait(platform, falling.body.id)).result).toMatchObject({ alert_triggered: false, change_pct: 6 });
    expect(await webhook.untilReceived(1)).toHaveLength(1);
  });

  it('disables a one-shot alert after it fires, as the API pauses a job, and fires again only once resumed', async () => {
    const id = (await platform.api('POST', '/jobs', priceAlertJob({ task_params: { condition: 'above', value: 100, mode: 'once' } }))).body.id as number;
    expect(await runAt(id, 99)).toBe(false);
    binance.prices.set('BTCUSDT', '101.00');
    const run = await triggerAndWait(platform, id);
    expect(run.result).toEqual({ alert_triggered: true, current_price: 101, notification_sent: true, job_disabled: true });

    const shown = await platform.api('GET', `/jobs/${id}`);
    expect(shown.body).toMatchObject({ enabled: false, schedule: { paused: true } });
    expect(shown.body.schedule.note).toContain('one-shot price alert fired');
    const listed = await platform.api('GET', '/jobs?enabled=false&user_id=7');
    expect(listed.body.items.map((job: { id: number }) => job.id)).toContain(id);

    // A run already queued behind the firing one (or a manual trigger) does not fire it again.
    expect(await runAt(id, 105)).toBe(false);
    expect(await webhook.untilReceived(1)).toHaveLength(1);

    expect((await platform.api('POST', `/jobs/${id}/resume`)).status).toBe(200);
    expect(await runAt(id, 102)).toBe(true);
    expect(await webhook.untilReceived(2)).toHaveLength(2);
    expect(await inTransaction(platform.orm, (em) => em.findOneOrFail(JobSchedule, { id }))).toMatchObject({ enabled: false });
  });

  it('re-arms only after the price went back across the threshold', async () => {
    const id = (await platform.api('POST', '/jobs', priceAlertJob({ task_params: { condition: 'above', value: 100, mode: 'rearm' } }))).body.id as number;
    const fired = [];
    for (const price of [101, 105, 99, 102, 103]) fired.push(await runAt(id, price));
    expect(fired).toEqual([true, false, false, true, false]);
    expect(await webhook.untilReceived(2)).toHaveLength(2);
    expect(await alertsOf(id)).toHaveLength(2);
  });

  it('starts afresh when the params change', async () => {
    const id = (await platform.api('POST', '/jobs', priceAlertJob({ task_params: { condition: 'above', value: 100, mode: 'rearm' } }))).body.id as number;
    expect(await runAt(id, 101)).toBe(true);
    expect(await runAt(id, 102)).toBe(false);
    expect((await platform.api('PATCH', `/jobs/${id}`, { task_params: { condition: 'above', value: 101, mode: 'rearm' } })).status).toBe(200);
    expect(await runAt(id, 102)).toBe(true);
  });

  it('refuses price alert params it could not evaluate with a 422 naming the field, writing nothing', async () => {
    const before = await inTransaction(platform.orm, (em) => em.count(JobSchedule));
    const cases: [Record<string, unknown>, string][] = [
      [{ condition: 'crosses', value: 100 }, 'task_params.condition'],
      [{ condition: 'above', value: -5 }, 'task_params.value'],
      [{ condition: 'change_pct', value: 0 }, 'task_params.value'],
      [{ condition: 'above', value: 100, timeframe: '7m' }, 'task_params.timeframe'],
      [{ condition: 'above', value: 100, mode: 'twice' }, 'task_params.mode'],
      [{ condition: 'above', value: 100, period: 3 }, 'task_params.period'],
    ];
    for (const [task_params, path] of cases) {
      const response = await platform.api('POST', '/jobs', priceAlertJob({ task_params }));
      expect(response.status, JSON.stringify(task_params)).toBe(422);
      expect(response.body.errors.map((e: { path: string }) => e.path)).toEqual([path]);
    }
    expect(await inTransaction(platform.orm, (em) => em.count(JobSchedule))).toBe(before);
  });
});
