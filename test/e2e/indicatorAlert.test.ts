import { describe, expect, it } from 'vitest';
import { Alert, JobSchedule } from '../../db/entities/index.ts';
import { inTransaction } from '../../db/orm.ts';
import { useAlertTestBed } from '../helpers/alertTestBed.ts';
import { binanceKlines } from '../helpers/fakeBinance.ts';
import { indicatorAlertJob } from '../helpers/jobs.ts';
import { triggerAndWait } from '../helpers/platform.ts';

// StockCharts' RSI example closes: Wilder's RSI 14 ends 33.09 then 37.79 on them (pinned in test/unit/indicators.test.ts).
const CLOSES = [
  44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.1, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61, 46.28, 46.28, 46.0, 46.03, 46.41, 46.22, 45.64, 46.21, 46.25, 45.71,
  46.45, 45.78, 45.35, 44.03, 44.18, 44.22, 44.57, 43.42, 42.66, 43.13,
];

// Through the HTTP API, on SQLite: indicator alerts on klines from a Binance-format server, notifying a webhook through the outbox.
describe('indicator alert through the API', () => {
  // The open candle (50) must not move the RSI: only closed candles count; it is the current price.
  const bed = useAlertTestBed({ klines: { BTCUSDT: binanceKlines(CLOSES, { openClose: 50 }), NEWUSDT: binanceKlines([1, 2, 3]) } });

  it('notifies once when the RSI condition holds', async () => {
    const created = await bed.platform.api('POST', '/jobs', indicatorAlertJob({ task_params: { indicator: 'rsi', condition: 'below', value: 40 } }));
    expect(created.status).toBe(201);
    expect(created.body.task_params).toEqual({ indicator: 'rsi', period: 14, interval: '1h', condition: 'below', value: 40 });

    const run = await triggerAndWait(bed.platform, created.body.id);

    expect(run.status).toBe('COMPLETED');
    expect(run.result).toMatchObject({ alert_triggered: true, indicator: 'rsi', current_price: 50, notification_sent: true });
    expect(run.result.value).toBeCloseTo(37.79, 2);
    expect(bed.binance.requests.at(-1)).toBe('/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=73');
    const delivered = await bed.deliveredFor(run.workflow_id);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.body).toMatchObject({ job_id: created.body.id, data: { symbol: 'BTCUSDT', task_params: { indicator: 'rsi', value: 40 }, price: 50 } });
    const alerts = await inTransaction(bed.platform.orm, (em) => em.find(Alert, { job_id: created.body.id }));
    expect(alerts.map(({ job_type, symbol, condition, value, price, workflow_id }) => ({ job_type, symbol, condition, value, price, workflow_id }))).toEqual([
      { job_type: 'indicator_alert', symbol: 'BTCUSDT', condition: 'rsi below', value: 40, price: 50, workflow_id: run.workflow_id },
    ]);
  });

  it('fires a cross on the last two closed values', async () => {
    const created = await bed.platform.api('POST', '/jobs', indicatorAlertJob({ task_params: { indicator: 'rsi', condition: 'crosses_above', value: 35 } }));
    const run = await triggerAndWait(bed.platform, created.body.id);

    expect(run.result).toMatchObject({ alert_triggered: true, notification_sent: true });
    expect(await bed.deliveredFor(run.workflow_id)).toHaveLength(1);
  });

  it('completes without notifying when the condition does not hold', async () => {
    const created = await bed.platform.api('POST', '/jobs', indicatorAlertJob({ task_params: { indicator: 'rsi', condition: 'above', value: 70 } }));
    const run = await triggerAndWait(bed.platform, created.body.id);

    expect(run.status).toBe('COMPLETED');
    expect(run.result).toMatchObject({ alert_triggered: false, indicator: 'rsi', current_price: 50, notification_sent: false });
    expect(await bed.notificationsOf(created.body.id)).toEqual([]);
  });

  it('fails without retrying when the symbol has too few candles for the indicator', async () => {
    const created = await bed.platform.api('POST', '/jobs', indicatorAlertJob({ target: 'NEWUSDT' }));
    const run = await triggerAndWait(bed.platform, created.body.id);

    expect(run.status).toBe('FAILED');
    expect(run.error).toMatchObject({ type: 'InsufficientMarketData', non_retryable: true });
    expect(run.error.message).toContain('needs at least 16');
    expect(await bed.notificationsOf(created.body.id)).toEqual([]);
  });

  it('refuses task_params it could not evaluate with a 422 naming the field, writing nothing', async () => {
    const rows = () => inTransaction(bed.platform.orm, (em) => em.count(JobSchedule));
    const schedules = async () => {
      let count = 0;
      for await (const _ of bed.platform.temporal.client.schedule.list()) count += 1;
      return count;
    };
    const before = { rows: await rows(), schedules: await schedules() };
    const cases: [Record<string, unknown>, string][] = [
      [{ indicator: 'vwap', condition: 'above', value: 1 }, 'task_params.indicator'],
      [{ indicator: 'sma', period: 0, condition: 'above', value: 1 }, 'task_params.period'],
      [{ indicator: 'ema', period: 10_000, condition: 'above', value: 1 }, 'task_params.period'],
      [{ indicator: 'rsi', interval: '7m', condition: 'below', value: 30 }, 'task_params.interval'],
      [{ indicator: 'rsi', condition: 'price_above_upper', value: 30 }, 'task_params.condition'],
      [{ indicator: 'bollinger', condition: 'crosses_above' }, 'task_params.condition'],
    ];
    for (const [task_params, path] of cases) {
      const response = await bed.platform.api('POST', '/jobs', indicatorAlertJob({ task_params }));
      expect(response.status, JSON.stringify(task_params)).toBe(422);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.body.errors.map((e: { path: string }) => e.path)).toEqual([path]);
    }
    expect({ rows: await rows(), schedules: await schedules() }).toEqual(before);
  });
});
