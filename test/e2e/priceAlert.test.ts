import { ScheduleNotFoundError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { useAlertTestBed } from '../helpers/alertTestBed.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { triggerAndWait } from '../helpers/platform.ts';

// Through the HTTP API, on SQLite: a price alert against a Binance-format server, notifying a webhook through the outbox.
describe('price alert through the API', () => {
  const bed = useAlertTestBed({ prices: { BTCUSDT: '50150.00', ETHUSDT: '3010.50' } });

  it('notifies once when the condition holds', async () => {
    const created = await bed.platform.api('POST', '/jobs', priceAlertJob());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ job_type: 'price_alert', enabled: true, timezone: 'UTC', schedule_id: `job-${created.body.id}` });
    // Stored as the job type's schema parsed it, defaults included.
    expect(created.body.task_params).toEqual({ condition: 'above', value: 50_000, timeframe: '1m', mode: 'every_time' });

    const run = await triggerAndWait(bed.platform, created.body.id);

    expect(run.status).toBe('COMPLETED');
    expect(run.result).toEqual({ alert_triggered: true, current_price: 50150, notification_sent: true });
    expect(run).toMatchObject({ job_id: created.body.id, user_id: 7, job_type: 'price_alert', error: null });
    expect(run.job_snapshot).toMatchObject({ target: 'BTCUSDT', task_params: { condition: 'above', value: 50_000 } });
    expect(run.worker_id).toMatch(/^alerts@/);
    expect(run.temporal_run_id).toBeTruthy();
    for (const field of ['scheduled_for', 'enqueued_at', 'started_at', 'finished_at']) expect(Date.parse(run[field])).not.toBeNaN();
    // notification_sent means queued in the outbox; the notifications queue delivers it, once.
    const delivered = await bed.deliveredFor(run.workflow_id);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.body).toMatchObject({ job_id: created.body.id, data: { symbol: 'BTCUSDT', price: 50150 } });
    expect(await bed.notificationsOf(created.body.id)).toMatchObject([{ status: 'sent', channel: 'webhook', attempts: 1 }]);

    const runs = await bed.platform.api('GET', `/jobs/${created.body.id}/runs`);
    expect(runs.body.items.map((r: { run_id: number }) => r.run_id)).toEqual([run.run_id]);
  });

  it('completes without notifying when the condition does not hold', async () => {
    const created = await bed.platform.api('POST', '/jobs', priceAlertJob({ task_params: { condition: 'below', value: 40_000 } }));
    const run = await triggerAndWait(bed.platform, created.body.id);

    expect(run.status).toBe('COMPLETED');
    expect(run.result).toEqual({ alert_triggered: false, current_price: 50150, notification_sent: false });
    expect(await bed.notificationsOf(created.body.id)).toEqual([]);
  });

  it('fails fast, without retrying, on a symbol the exchange does not know', async () => {
    const created = await bed.platform.api('POST', '/jobs', priceAlertJob({ target: 'NOPEUSDT' }));
    const asked = bed.binance.requests.length;
    const started = Date.now();
    const run = await triggerAndWait(bed.platform, created.body.id);

    expect(run.status).toBe('FAILED');
    expect(run.error).toMatchObject({ type: 'InvalidSymbol', non_retryable: true });
    expect(run.error.message).toContain('Invalid symbol');
    expect(bed.binance.requests.length - asked).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await bed.notificationsOf(created.body.id)).toEqual([]);
  });

  it('survives a transient exchange outage by retrying', async () => {
    const created = await bed.platform.api('POST', '/jobs', priceAlertJob({ target: 'ETHUSDT', task_params: { condition: 'above', value: 3000 } }));
    bed.binance.failNext(2, 503);
    const run = await triggerAndWait(bed.platform, created.body.id);

    expect(run.status).toBe('COMPLETED');
    expect(run.result).toMatchObject({ alert_triggered: true, current_price: 3010.5 });
    expect(await bed.deliveredFor(run.workflow_id)).toHaveLength(1);
  });

  it('shows the live schedule and deletes it with the job', async () => {
    const created = await bed.platform.api('POST', '/jobs', priceAlertJob({ cron: '*/10 * * * *' }));
    const shown = await bed.platform.api('GET', `/jobs/${created.body.id}`);
    expect(shown.status).toBe(200);
    expect(shown.body.schedule).toMatchObject({ paused: false, num_actions_taken: 0 });
    expect(shown.body.schedule.next_action_times.length).toBeGreaterThan(0);
    expect(new Date(shown.body.schedule.next_action_times[0]).getUTCMinutes() % 10).toBe(0);

    const handle = bed.platform.temporal.client.schedule.getHandle(`job-${created.body.id}`);
    const description = await handle.describe();
    expect(description.memo).toMatchObject({ job_id: created.body.id, job_type: 'price_alert', user_id: 7 });
    expect(description.searchAttributes).toMatchObject({ JobId: [created.body.id], JobType: ['price_alert'], JobUserId: [7] });

    expect((await bed.platform.api('DELETE', `/jobs/${created.body.id}`)).status).toBe(204);
    await expect(handle.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    expect((await bed.platform.api('GET', `/jobs/${created.body.id}`)).status).toBe(404);
    expect((await bed.platform.api('DELETE', `/jobs/${created.body.id}`)).status).toBe(404);
  });

  it('counts runs by type and status in /metrics, and reports health', async () => {
    const scrape = async () => {
      const response = await fetch(`${bed.platform.apiUrl}/metrics`);
      expect(response.headers.get('content-type')).toContain('text/plain');
      return response.text();
    };
    const runsCounted = (text: string, status: string) => Number(new RegExp(`keel_job_runs_total\\{job_type="price_alert",status="${status}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    const before = await scrape();
    const completing = await bed.platform.api('POST', '/jobs', priceAlertJob({ task_params: { condition: 'above', value: 1 } }));
    const failing = await bed.platform.api('POST', '/jobs', priceAlertJob({ target: 'NOPEUSDT' }));
    await triggerAndWait(bed.platform, completing.body.id);
    await triggerAndWait(bed.platform, failing.body.id);

    const after = await scrape();
    expect(runsCounted(after, 'COMPLETED') - runsCounted(before, 'COMPLETED')).toBe(1);
    expect(runsCounted(after, 'FAILED') - runsCounted(before, 'FAILED')).toBe(1);
    expect(after).toContain('keel_process_cpu_seconds_total');

    const health = await fetch(`${bed.platform.apiUrl}/health`);
    expect(health.headers.get('content-type')).toBe('application/health+json');
    const body = (await health.json()) as { checks: Record<string, { status: string }[]> };
    expect(body).toMatchObject({ checks: { database: [{ status: 'pass' }], migrations: [{ status: 'pass' }], temporal: [{ status: 'pass' }], 'task_queue:alerts': [{ status: 'pass' }] } });
    // This file runs the alerts and notifications workers only: the other queues' checks are the only ones that may fail.
    const unhealthy = Object.keys(body.checks).filter((name) => body.checks[name]![0]!.status !== 'pass');
    expect(unhealthy.every((name) => name.startsWith('task_queue:') && name !== 'task_queue:alerts' && name !== 'task_queue:notifications')).toBe(true);
    expect((await fetch(`${bed.platform.apiUrl}/health/ready`)).status).toBe(200);
  });

  it('takes over an orphaned schedule with the same ID by updating it in place, keeping its history', async () => {
    const [{ seq }] = await bed.platform.orm.em.getConnection().execute<{ seq: number }[]>("select seq from sqlite_sequence where name = 'job_schedules'");
    const orphanId = `job-${seq + 1}`;
    await bed.platform.temporal.client.schedule.create({
      scheduleId: orphanId,
      spec: { cronExpressions: ['0 0 1 1 *'] },
      action: { type: 'startWorkflow', workflowType: 'priceAlertWorkflow', taskQueue: 'nobody', workflowId: orphanId },
    });
    const before = await bed.platform.temporal.client.schedule.getHandle(orphanId).describe();

    const created = await bed.platform.api('POST', '/jobs', priceAlertJob({ cron: '*/20 * * * *' }));
    expect(created.body.schedule_id).toBe(orphanId);
    const after = await bed.platform.temporal.client.schedule.getHandle(orphanId).describe();
    expect(after.info.createdAt).toEqual(before.info.createdAt);
    // Every 20 minutes, started 30 s ahead (README, "Start ahead"): actions at :19:30, :39:30 and :59:30.
    expect(after.action.memo).toMatchObject({ start_ahead_ms: 30_000 });
    expect(after.info.nextActionTimes.map((time) => time.toISOString().slice(14, 19))).toEqual(expect.arrayContaining(['19:30', '39:30']));
    expect(after.info.nextActionTimes.every((time) => ['19:30', '39:30', '59:30'].includes(time.toISOString().slice(14, 19)))).toBe(true);
    expect(after.action).toMatchObject({ workflowType: 'priceAlertWorkflow', taskQueue: 'alerts' });
  });

  it('lists jobs with filters and cursors', async () => {
    await bed.platform.api('POST', '/jobs', priceAlertJob({ user_id: 99, name: 'a' }));
    await bed.platform.api('POST', '/jobs', priceAlertJob({ user_id: 99, name: 'b' }));
    await bed.platform.api('POST', '/jobs', priceAlertJob({ user_id: 99, name: 'c', enabled: false }));
    const first = await bed.platform.api('GET', '/jobs?user_id=99&limit=2');
    expect(first.body.items.map((j: { name: string }) => j.name)).toEqual(['a', 'b']);
    const second = await bed.platform.api('GET', `/jobs?user_id=99&limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body).toMatchObject({ items: [{ name: 'c', enabled: false }], next_cursor: null });
    const disabled = await bed.platform.api('GET', '/jobs?user_id=99&enabled=false');
    expect(disabled.body.items.map((j: { name: string }) => j.name)).toEqual(['c']);
    const paused = await bed.platform.api('GET', `/jobs/${disabled.body.items[0].id}`);
    expect(paused.body.schedule.paused).toBe(true);
  });
});
