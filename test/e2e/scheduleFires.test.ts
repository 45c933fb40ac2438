import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { priceAlertJob } from '../helpers/jobs.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

// On PostgreSQL, with the offline simulated market data: the Temporal Schedule fires by itself.
describe('a schedule that fires by itself', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ db: 'postgresql', queues: ['alerts'] });
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('runs every 5 seconds on the spec boundaries and records each run', async () => {
    const created = await platform.api('POST', '/jobs', priceAlertJob({ name: 'every five seconds', task_params: { condition: 'above', value: 1 }, cron: '*/5 * * * * * *', user_id: 3 }));
    expect(created.status).toBe(201);

    const runs = await eventually(
      async () => {
        const page = await platform.api('GET', `/jobs/${created.body.id}/runs?status=COMPLETED`);
        return page.body.items.length >= 2 ? (page.body.items as Record<string, any>[]) : undefined;
      },
      { timeoutMs: 40_000, intervalMs: 500 },
    );

    for (const run of runs) {
      const scheduledFor = new Date(run.scheduled_for);
      expect(scheduledFor.getUTCSeconds() % 5).toBe(0);
      expect(scheduledFor.getUTCMilliseconds()).toBe(0);
      expect(run.workflow_id).toBe(`job-${created.body.id}-${scheduledFor.toISOString().replace('.000Z', 'Z')}`);
      expect(run.result).toMatchObject({ alert_triggered: true, notification_sent: true });
      expect(run.result.current_price).toBeGreaterThan(40_000);
      expect(new Date(run.enqueued_at).getTime()).toBeGreaterThanOrEqual(scheduledFor.getTime());
      expect(new Date(run.finished_at).getTime()).toBeGreaterThanOrEqual(new Date(run.started_at).getTime());
    }
    // The list shows the next fire time Temporal has now, not the one stored at creation.
    const listed = await platform.api('GET', '/jobs?user_id=3');
    const nextRunAt = Date.parse(listed.body.items.find((job: { id: number }) => job.id === created.body.id).next_run_at);
    expect(nextRunAt).toBeGreaterThan(Date.parse(created.body.next_run_at));
    expect(nextRunAt).toBeGreaterThan(Date.parse(runs[0]!.scheduled_for));
    const shown = await platform.api('GET', `/jobs/${created.body.id}`);
    expect(shown.body.schedule.num_actions_taken).toBeGreaterThanOrEqual(2);
    expect(shown.body.schedule.recent_actions.map((a: { workflow_id: string }) => a.workflow_id)).toEqual(expect.arrayContaining(runs.map((r) => r.workflow_id)));
    expect((await platform.api('DELETE', `/jobs/${created.body.id}`)).status).toBe(204);
  });
});
