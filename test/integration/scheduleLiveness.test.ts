import { Counter } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSchedule } from '../../db/entities/index.ts';
import { createLogger } from '../../lib/logger.ts';
import { newProbeScheduleId, STALE_PROBE_MS } from '../../lib/probeSchedules.ts';
import { ScheduleReconciler } from '../../lib/scheduleReconciler.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

// A schedule whose scheduler stopped keeps a next fire time in the past. Temporal cannot be made to stall on purpose, so
// the reconciler is shown a clock an hour past the next fire: to it, a healthy schedule looks exactly like a stalled one.
describe('liveness check of job schedules', () => {
  let platform: TestPlatform;
  const alerts: { job_id: number; key: string; text: string }[] = [];
  const changes = new Counter({ name: 'test_liveness_changes_total', help: 'test', labelNames: ['change'], registers: [] });

  beforeAll(async () => {
    platform = await startTestPlatform({ db: 'sqlite' });
  });

  afterAll(async () => {
    await platform?.close();
  });

  function reconcilerAt(now: Date): ScheduleReconciler {
    return new ScheduleReconciler({
      orm: platform.orm,
      temporal: platform.temporal,
      logger: createLogger(platform.config, { role: 'test' }),
      changes,
      livenessGraceMs: 60_000,
      now: () => now,
      alertOwner: (job: JobSchedule, alert) => Promise.resolve(alerts.push({ job_id: job.id, key: alert.key, text: alert.text })),
    });
  }

  it('alerts the owner and recreates a schedule whose next fire time is long past, keeping the fires it has left', async () => {
    const running = (await platform.api('POST', '/jobs', priceAlertJob({ remaining_actions: 5 }))).body;
    const paused = (await platform.api('POST', '/jobs', priceAlertJob({ enabled: false }))).body;
    const handle = platform.temporal.client.schedule.getHandle(running.schedule_id);
    const before = await handle.describe();
    const nextFire = before.info.nextActionTimes[0]!;

    const result = await reconcilerAt(new Date(nextFire.getTime() + 3_600_000)).reconcile();

    expect(result).toMatchObject({ repaired_stalled: [running.id], recreated: [], updated: [] });
    expect(alerts).toEqual([{ job_id: running.id, key: `stalled/${running.schedule_id}/${nextFire.toISOString()}`, text: expect.stringContaining('had not fired since') }]);
    expect((await changes.get()).values).toContainEqual(expect.objectContaining({ labels: { change: 'repaired_stalled' }, value: 1 }));
    const after = await handle.describe();
    expect(after.info.createdAt.getTime()).toBeGreaterThan(before.info.createdAt.getTime());
    expect(after.state).toMatchObject({ paused: false, remainingActions: 5 });
    expect(after.info.nextActionTimes[0]).toEqual(nextFire);
    // The paused job was never judged: a paused schedule has no fire to miss.
    expect((await platform.api('GET', `/jobs/${paused.id}`)).body.schedule).toMatchObject({ paused: true });

    // At the real time the recreated schedule is alive: nothing more happens.
    expect(await reconcilerAt(new Date()).reconcile()).toEqual({ recreated: [], updated: [], deleted: [], adopted_pause: [], repaired_stalled: [] });
    expect(alerts).toHaveLength(1);
  });

  it('deletes probe schedules a failed delete left behind, and leaves a fresh one alone', async () => {
    const probe = (scheduleId: string) =>
      platform.temporal.client.schedule.create({
        scheduleId,
        spec: { cronExpressions: ['0 0 1 1 *'] },
        action: { type: 'startWorkflow', workflowType: 'cronProbe', taskQueue: 'cron-probe', args: [] },
        state: { paused: true },
      });
    const stale = newProbeScheduleId('cron', Date.now() - STALE_PROBE_MS - 60_000);
    const fresh = newProbeScheduleId('spec');
    await probe(stale);
    await probe(fresh);
    // The list is eventually consistent: wait until it shows both before the pass reads it.
    await eventually(async () => {
      const ids: string[] = [];
      for await (const schedule of platform.temporal.client.schedule.list()) ids.push(schedule.scheduleId);
      return ids.includes(stale) && ids.includes(fresh) ? true : undefined;
    });

    await reconcilerAt(new Date()).reconcile();

    const exists = (id: string) => platform.temporal.client.schedule.getHandle(id).describe().then(() => true, () => false);
    expect(await exists(stale)).toBe(false);
    expect(await exists(fresh)).toBe(true);
  });
});
