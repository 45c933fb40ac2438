import { describe, expect, it } from 'vitest';
import { useAlertTestBed } from '../helpers/alertTestBed.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { eventually } from '../helpers/platform.ts';

const FIRE_ENV = { FIRES_GRACE_MS: '3000', FIRES_LEDGER_INTERVAL_MS: '1000', FIRES_WATCH_INTERVAL_MS: '500' };
const isWholeMinute = (iso: string) => Date.parse(iso) % 60_000 === 0;

// Alerts start 30 s ahead of each fire (job type run option startAheadMs) and wait inside the workflow for the fire time.
describe('alerts started ahead of their fire time', () => {
  const bed = useAlertTestBed({ prices: { BTCUSDT: '50000.00' }, env: FIRE_ENV });

  it('starts each run before its minute, does the work at it, and shows fire times everywhere', { timeout: 180_000 }, async () => {
    const { platform } = bed;
    const created = await platform.api('POST', '/jobs', priceAlertJob({ cron: '* * * * *', task_params: { condition: 'above', value: 1 } }));
    expect(created.status).toBe(201);
    const id = created.body.id as number;
    try {
      const shown = (await platform.api('GET', `/jobs/${id}`)).body;
      expect(shown.schedule.start_ahead_ms).toBe(30_000);
      expect(shown.schedule.next_action_times.every(isWholeMinute)).toBe(true);
      expect(isWholeMinute(shown.next_run_at as string)).toBe(true);
      const described = await platform.temporal.client.schedule.getHandle(`job-${id}`).describe();
      expect(described.info.nextActionTimes[0]!.getTime() % 60_000).toBe(30_000);
      expect(described.action.memo).toMatchObject({ start_ahead_ms: 30_000 });

      // While it waits for its minute, the run is visible as ENQUEUED for that minute.
      const waiting = await eventually(
        async () => {
          const runs = (await platform.api('GET', `/jobs/${id}/runs`)).body.items as Record<string, any>[];
          return runs.find((run) => run.status === 'ENQUEUED');
        },
        { timeoutMs: 100_000, intervalMs: 250 },
      );
      expect(isWholeMinute(waiting.scheduled_for as string)).toBe(true);
      expect(Date.parse(waiting.scheduled_for as string)).toBeGreaterThan(Date.now());

      const done = await eventually(
        async () => {
          const runs = (await platform.api('GET', `/jobs/${id}/runs`)).body.items as Record<string, any>[];
          return runs.find((run) => run.run_id === waiting.run_id && run.status === 'COMPLETED');
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      const fire = Date.parse(done.scheduled_for as string);
      expect(Date.parse(done.enqueued_at as string)).toBeLessThanOrEqual(fire - 20_000);
      expect(Date.parse(done.started_at as string)).toBeGreaterThanOrEqual(fire);
      expect(Date.parse(done.started_at as string) - fire).toBeLessThan(5_000);
      expect(done.result).toMatchObject({ alert_triggered: true });

      const fires = await eventually(
        async () => {
          const page = await platform.api('GET', `/jobs/${id}/fires?from=${new Date(fire - 1).toISOString()}&to=${new Date(fire + 1).toISOString()}`);
          return page.body.items.length ? (page.body.items as Record<string, any>[]) : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      expect(fires).toEqual([expect.objectContaining({ nominal_time: done.scheduled_for, outcome: 'started', run_id: done.run_id })]);
      expect(fires[0]!.delay_ms).toBeLessThan(5_000);
    } finally {
      await platform.api('DELETE', `/jobs/${id}`);
    }
  });

  it('does no work for a fire whose job was paused while its run waited for it', { timeout: 180_000 }, async () => {
    const { platform } = bed;
    const created = await platform.api('POST', '/jobs', priceAlertJob({ cron: '* * * * *', task_params: { condition: 'above', value: 1 } }));
    const id = created.body.id as number;
    try {
      const waiting = await eventually(
        async () => ((await platform.api('GET', `/jobs/${id}/runs`)).body.items as Record<string, any>[]).find((run) => run.status === 'ENQUEUED'),
        { timeoutMs: 100_000, intervalMs: 250 },
      );
      expect((await platform.api('POST', `/jobs/${id}/pause`, { note: 'market closed' })).status).toBe(200);

      const refused = await eventually(
        async () => ((await platform.api('GET', `/jobs/${id}/runs`)).body.items as Record<string, any>[]).find((run) => run.run_id === waiting.run_id && run.status !== 'ENQUEUED'),
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      expect(refused).toMatchObject({ status: 'CANCELLED', error: { type: 'JobPausedBeforeFire' } });
      expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(waiting.scheduled_for as string));
      // The alert itself never ran: it queued no notification of its own.
      expect((await bed.notificationsOf(id)).filter((notification) => notification.idempotency_key.endsWith('/notify'))).toEqual([]);

      const fire = Date.parse(waiting.scheduled_for as string);
      const fires = await eventually(async () => {
        const page = await platform.api('GET', `/jobs/${id}/fires?from=${new Date(fire - 1).toISOString()}&to=${new Date(fire + 1).toISOString()}`);
        return page.body.items.length ? (page.body.items as Record<string, any>[]) : undefined;
      });
      expect(fires).toEqual([expect.objectContaining({ outcome: 'paused', run_id: waiting.run_id, reason: expect.stringContaining('paused or deleted') })]);
    } finally {
      await platform.api('DELETE', `/jobs/${id}`);
    }
  });

  it('backfills fire times, running each at once', { timeout: 60_000 }, async () => {
    const { platform } = bed;
    const created = await platform.api('POST', '/jobs', priceAlertJob({ cron: '0 * * * *', enabled: false }));
    const id = created.body.id as number;
    try {
      const answer = await platform.api('POST', `/jobs/${id}/backfill`, { start_time: '2026-01-01T00:00:00Z', end_time: '2026-01-01T01:30:00Z', overlap: 'allow_all' });
      expect(answer.status).toBe(202);
      expect(answer.body).toMatchObject({ fires: 2 });
      const runs = await eventually(async () => {
        const items = (await platform.api('GET', `/jobs/${id}/runs`)).body.items as Record<string, any>[];
        return items.filter((run) => run.status === 'COMPLETED').length === 2 ? items : undefined;
      });
      expect(runs.map((run) => run.scheduled_for).toSorted()).toEqual(['2026-01-01T00:00:00.000Z', '2026-01-01T01:00:00.000Z']);
    } finally {
      await platform.api('DELETE', `/jobs/${id}`);
    }
  });

  it('fires on time where the moved times would not be exact: a zone with daylight saving, jitter, midnight on a day of the month', async () => {
    const { platform } = bed;
    for (const overrides of [{ cron: '0 9 * * *', timezone: 'Europe/London' }, { cron: '0 9 * * *', jitter: 10 }, { cron: '0 0 1 * *' }]) {
      const created = await platform.api('POST', '/jobs', priceAlertJob({ ...overrides, enabled: false }));
      expect(created.status).toBe(201);
      const shown = (await platform.api('GET', `/jobs/${created.body.id}`)).body;
      expect(shown.schedule.start_ahead_ms, JSON.stringify(overrides)).toBe(0);
      const described = await platform.temporal.client.schedule.getHandle(`job-${created.body.id}`).describe();
      expect(described.action.memo).not.toHaveProperty('start_ahead_ms');
      await platform.api('DELETE', `/jobs/${created.body.id}`);
    }
  });
});
