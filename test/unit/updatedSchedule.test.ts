import type { ScheduleDescription } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { updatedScheduleOf } from '../../lib/jobScheduler.ts';
import { JOB_TYPES } from '../../lib/jobTypes.ts';
import { scheduleOptionsOf } from '../../lib/scheduleOptions.ts';

const job = { id: 3, user_id: 4, name: 'btc', job_type: 'price_alert', target: 'BTCUSDT', task_params: { condition: 'above', value: 1 }, cron: '0 * * * *', timezone: 'UTC', enabled: true };
const options = scheduleOptionsOf({ ...job, overlap: 'skip', catchup_window: 30, remaining_actions: 5 }, JOB_TYPES.price_alert);
/** A schedule someone paused with the CLI, with 2 of its actions left. */
const pausedByCli = { state: { paused: true, note: 'paused from the CLI', remainingActions: 2 } } as ScheduleDescription;

describe('updatedScheduleOf', () => {
  it('takes spec, action and policies from the job, and keeps the pause and the remaining actions Temporal has', () => {
    const updated = updatedScheduleOf(pausedByCli, options, { cron: '0 * * * *' });
    expect(updated.spec).toBe(options.spec);
    expect(updated.action).toBe(options.action);
    expect(updated.policies).toEqual({ overlap: 'SKIP', catchupWindow: 30_000, pauseOnFailure: false });
    expect(updated.state).toEqual({ paused: true, note: 'paused from the CLI', remainingActions: 2 });
  });

  it('follows enabled and remaining_actions when the patch sends them; null lifts the limit', () => {
    expect(updatedScheduleOf(pausedByCli, options, { enabled: true, remaining_actions: 9 }).state).toEqual({ paused: false, note: undefined, remainingActions: 9 });
    expect(updatedScheduleOf(pausedByCli, options, { remaining_actions: null }).state).toEqual({ paused: true, note: 'paused from the CLI' });
  });
});
