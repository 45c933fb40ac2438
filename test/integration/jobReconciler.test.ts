import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobSchedule, type JobState } from '../../db/entities/index.ts';
import { inTransaction } from '../../db/orm.ts';
import { addJobSchedule } from '../../db/repositories/jobSchedules.ts';
import { reconcilePendingJobs } from '../../lib/jobReconciler.ts';
import { jobTypeDefinition } from '../../lib/jobTypes.ts';
import { createLogger } from '../../lib/logger.ts';
import { scheduleOptionsOf } from '../../lib/scheduleOptions.ts';
import { scheduleIdFor } from '../../workflows/names.ts';
import { DATABASE_KINDS } from '../helpers/databases.ts';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

const job = { user_id: 1, name: 'btc', job_type: 'price_alert', target: 'BTCUSDT', task_params: { condition: 'above', value: 1, timeframe: '1m' }, cron: '0 0 1 1 *', timezone: 'UTC', enabled: true };
const TWO_MINUTES_AGO = new Date(Date.now() - 120_000);

// What a crash or an outage leaves half-way between row and schedule is settled; what is in progress or done is not touched.
describe.each(DATABASE_KINDS)('job reconciler on %s', (db) => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ db });
    // The platform's own start-up pass runs in the background; this one queues behind it, so that pass cannot race the test's rows.
    expect((await platform.api('POST', '/jobs/reconcile')).status).toBe(200);
  });

  afterAll(async () => {
    await platform?.close();
  });

  async function addRow(state: JobState, updatedAt: Date, withSchedule: boolean): Promise<number> {
    const row = await inTransaction(platform.orm, async (em) => {
      const row = addJobSchedule(em, job, state);
      await em.flush();
      return row;
    });
    await inTransaction(platform.orm, (em) => em.nativeUpdate(JobSchedule, { id: row.id }, { updated_at: updatedAt, schedule_id: scheduleIdFor(row.id) }));
    if (withSchedule) await platform.temporal.client.schedule.create(scheduleOptionsOf({ ...row, schedule_id: scheduleIdFor(row.id) } as JobSchedule, jobTypeDefinition('price_alert')!));
    return row.id;
  }

  async function scheduleExists(id: number): Promise<boolean> {
    return platform.temporal.client.schedule.getHandle(scheduleIdFor(id)).describe().then(() => true, () => false);
  }

  it('removes stale pending and deleting jobs with their schedules, and leaves young and active ones', async () => {
    const stalePending = await addRow('pending', TWO_MINUTES_AGO, true);
    const staleDeleting = await addRow('deleting', TWO_MINUTES_AGO, false);
    const youngPending = await addRow('pending', new Date(), false);
    const active = await addRow('active', TWO_MINUTES_AGO, true);

    const removed = await reconcilePendingJobs({ orm: platform.orm, temporal: platform.temporal, logger: createLogger(platform.config, { role: 'test' }) });

    expect(removed.sort()).toEqual([stalePending, staleDeleting].sort());
    const left = await inTransaction(platform.orm, (em) => em.find(JobSchedule, {}, { orderBy: { id: 'asc' } }));
    expect(left.map((row) => row.id)).toEqual([youngPending, active]);
    expect(await scheduleExists(stalePending)).toBe(false);
    expect(await scheduleExists(active)).toBe(true);
  });
});
