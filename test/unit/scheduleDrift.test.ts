import { ScheduleOverlapPolicy, type ScheduleDescription } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { JOB_TYPES } from '../../lib/jobTypes.ts';
import { adoptedPauseOf, canonicalJson, comparableOfDescription, comparableOfOptions, driftedParts } from '../../lib/scheduleDrift.ts';
import { scheduleOptionsOf } from '../../lib/scheduleOptions.ts';
import { JOB_ID_KEY, JOB_TYPE_KEY, JOB_USER_ID_KEY } from '../../workflows/names.ts';

const job = { id: 9, user_id: 4, name: 'btc', job_type: 'price_alert', target: 'BTCUSDT', task_params: { condition: 'above', value: 1, timeframe: '1m' }, cron: '0 12 * * *', timezone: 'UTC', enabled: true };
/** What Temporal describes for the cron above: calendars, not the string. */
const describedSpec = { calendars: [{ hour: [{ start: 12, end: 12, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }], comment: '' }], timezone: 'UTC', intervals: [], skip: [] } as unknown as ScheduleDescription['spec'];

/** A description as the SDK returns it for the schedule scheduleOptionsOf(job) creates: decoded args and memo, other key order, ms numbers. */
function describedOf(overrides: { policies?: object; action?: object; spec?: object } = {}): Pick<ScheduleDescription, 'spec' | 'policies' | 'action'> {
  return {
    spec: { ...describedSpec, ...overrides.spec },
    policies: { pauseOnFailure: false, catchupWindow: 60_000, overlap: ScheduleOverlapPolicy.BUFFER_ONE, ...overrides.policies },
    action: {
      type: 'startWorkflow',
      workflowId: 'job-9',
      workflowType: 'priceAlertWorkflow',
      taskQueue: 'alerts',
      args: [{ task_params: { value: 1, timeframe: '1m', condition: 'above' }, target: 'BTCUSDT', job_type: 'price_alert', name: 'btc', user_id: 4, job_id: 9 }],
      memo: { user_id: 4, job_type: 'price_alert', name: 'btc', job_id: 9, start_ahead_ms: 30_000 },
      typedSearchAttributes: new TypedSearchAttributes([
        { key: JOB_USER_ID_KEY, value: 4 },
        { key: JOB_TYPE_KEY, value: 'price_alert' },
        { key: JOB_ID_KEY, value: 9 },
      ]),
      workflowExecutionTimeout: JOB_TYPES.price_alert.run.executionTimeoutMs,
      ...overrides.action,
    },
  };
}

const desired = comparableOfOptions(scheduleOptionsOf(job, JOB_TYPES.price_alert), describedSpec);

describe('schedule drift', () => {
  it('finds none between a row and the schedule made from it, whatever the key order and form of the values', () => {
    expect(driftedParts(comparableOfDescription(describedOf()), desired)).toEqual([]);
  });

  it('names a drifted spec (another cron, time zone, jitter or window)', () => {
    const otherCron = { calendars: [{ hour: [{ start: 5, end: 5, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }], comment: '' }] };
    expect(driftedParts(comparableOfDescription(describedOf({ spec: otherCron })), desired)).toEqual(['spec']);
    expect(driftedParts(comparableOfDescription(describedOf({ spec: { timezone: 'Europe/London' } })), desired)).toEqual(['spec']);
    expect(driftedParts(comparableOfDescription(describedOf({ spec: { jitter: 5_000 } })), desired)).toEqual(['spec']);
    expect(driftedParts(comparableOfDescription(describedOf({ spec: { endAt: new Date('2030-01-01T00:00:00Z') } })), desired)).toEqual(['spec']);
  });

  it('names drifted policies: overlap, catch-up window, pause on failure', () => {
    for (const policies of [{ overlap: ScheduleOverlapPolicy.ALLOW_ALL }, { catchupWindow: 120_000 }, { pauseOnFailure: true }]) {
      expect(driftedParts(comparableOfDescription(describedOf({ policies })), desired)).toEqual(['policies']);
    }
  });

  it('names a drifted action: workflow type, queue, args, memo, search attributes, timeout', () => {
    const changes = [
      { workflowType: 'otherWorkflow' },
      { taskQueue: 'reports' },
      { args: [] },
      { args: [{ job_id: 9, user_id: 4, name: 'btc', job_type: 'price_alert', target: 'BTCUSDT', task_params: { condition: 'above', value: 2, timeframe: '1m' } }] },
      { memo: {} },
      { typedSearchAttributes: new TypedSearchAttributes([]) },
      { workflowExecutionTimeout: 1_000 },
    ];
    for (const action of changes) expect(driftedParts(comparableOfDescription(describedOf({ action })), desired)).toEqual(['action']);
  });

  it('reads absent, undefined and empty values alike, and dates as instants', () => {
    expect(canonicalJson({ b: 1, a: undefined, c: [], d: null, e: new Date(0) })).toBe(canonicalJson({ e: '1970-01-01T00:00:00.000Z', b: 1 }));
  });
});

describe('adoptedPauseOf', () => {
  it('adopts a pause or unpause made outside Keel, with its note', () => {
    expect(adoptedPauseOf({ paused: true, note: 'maintenance' }, { enabled: true }, undefined)).toEqual({ enabled: false, pause_note: 'maintenance' });
    expect(adoptedPauseOf({ paused: false, note: 'back' }, { enabled: false }, 'maintenance')).toEqual({ enabled: true, pause_note: null, failures_reset_at: expect.any(Date) });
    expect(adoptedPauseOf({ paused: true, note: 'longer maintenance' }, { enabled: false }, 'maintenance')).toEqual({ enabled: false, pause_note: 'longer maintenance' });
  });

  it('leaves a row that agrees alone (an unpaused schedule keeps the note of its last unpause)', () => {
    expect(adoptedPauseOf({ paused: false, note: 'resumed through the Keel API' }, { enabled: true }, undefined)).toBeUndefined();
    expect(adoptedPauseOf({ paused: true, note: 'created paused' }, { enabled: false }, 'created paused')).toBeUndefined();
  });
});
