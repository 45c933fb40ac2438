import { ScheduleOverlapPolicy } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { JOB_TYPES } from '../../lib/jobTypes.ts';
import { scheduleOptionsOf } from '../../lib/scheduleOptions.ts';
import { JOB_ID_KEY, JOB_TYPE_KEY, JOB_USER_ID_KEY } from '../../workflows/names.ts';

const job = { id: 9, user_id: 4, name: 'btc', job_type: 'price_alert', target: 'BTCUSDT', task_params: { condition: 'above', value: 1 }, cron: '*/5 * * * * * *', timezone: 'Europe/London', enabled: true };

describe('scheduleOptionsOf', () => {
  it('starts the job type workflow on its queue with the job as input, memo and search attributes', () => {
    const options = scheduleOptionsOf(job, JOB_TYPES.price_alert);
    expect(options.scheduleId).toBe('job-9');
    expect(options.spec).toEqual({ cronExpressions: ['*/5 * * * * * *'], timezone: 'Europe/London' });
    expect(options.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'priceAlertWorkflow',
      workflowId: 'job-9',
      taskQueue: 'alerts',
      args: [{ job_id: 9, user_id: 4, name: 'btc', job_type: 'price_alert', target: 'BTCUSDT', task_params: { condition: 'above', value: 1 } }],
      memo: { job_id: 9, name: 'btc', job_type: 'price_alert', user_id: 4 },
    });
    const attributes = options.action.typedSearchAttributes as { get(key: unknown): unknown };
    expect([attributes.get(JOB_ID_KEY), attributes.get(JOB_TYPE_KEY), attributes.get(JOB_USER_ID_KEY)]).toEqual([9, 'price_alert', 4]);
    expect(options.policies?.overlap).toBe(ScheduleOverlapPolicy.BUFFER_ONE);
    expect(options.state?.paused).toBe(false);
  });

  it('creates a disabled job paused', () => {
    expect(scheduleOptionsOf({ ...job, enabled: false }, JOB_TYPES.price_alert).state).toMatchObject({ paused: true });
  });
});
