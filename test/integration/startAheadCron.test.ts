import fc from 'fast-check';
import { msNumberToTs, tsToMs } from '@temporalio/common/lib/time.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newProbeScheduleId } from '../../lib/probeSchedules.ts';
import { startAheadCrons } from '../../lib/startAheadCron.ts';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

// Temporal is the judge of what a cron means: the moved crons must match exactly the original's times less the lead.
describe('start-ahead crons, read by Temporal', () => {
  let platform: TestPlatform;
  const from = Date.parse('2026-03-01T00:00:00Z');

  beforeAll(async () => {
    platform = await startTestPlatform({ db: 'sqlite' });
  });

  afterAll(async () => {
    await platform?.close();
  });

  /** The first `count` times the crons match after `after`, in `timezone`, as the server computes them. */
  async function matchingTimes(crons: string[], timezone: string, after: number, count: number): Promise<number[]> {
    const { temporal } = platform;
    const scheduleId = newProbeScheduleId('cron');
    await temporal.client.schedule.create({
      scheduleId,
      spec: { cronExpressions: crons, timezone },
      action: { type: 'startWorkflow', workflowType: 'cronProbe', taskQueue: 'cron-probe', args: [] },
      state: { paused: true },
    });
    try {
      const times: number[] = [];
      let cursor = after;
      while (times.length < count) {
        const { startTime } = await temporal.connection.workflowService.listScheduleMatchingTimes({
          namespace: temporal.namespace,
          scheduleId,
          startTime: msNumberToTs(cursor),
          endTime: msNumberToTs(cursor + 40 * 366 * 86_400_000),
        });
        const page = (startTime ?? []).map((time) => tsToMs(time)).filter((time) => time > cursor);
        if (page.length === 0) break;
        times.push(...page);
        cursor = page.at(-1)!;
      }
      return times.slice(0, count);
    } finally {
      await temporal.client.schedule.getHandle(scheduleId).delete();
    }
  }

  async function expectMovedBy(cron: string, leadMs: number, timezone = 'UTC'): Promise<void> {
    const moved = startAheadCrons(cron, leadMs);
    expect(moved, cron).toBeDefined();
    const original = await matchingTimes([cron], timezone, from, 1500);
    const early = await matchingTimes(moved!, timezone, from - leadMs, 1500);
    expect(original.length).toBeGreaterThan(0);
    expect(early.map((time) => time + leadMs), `${cron} → ${moved!.join(' | ')}`).toEqual(original);
  }

  it.each([
    ['* * * * *', 20_000],
    ['*/5 * * * *', 30_000],
    ['0 * * * *', 1_000],
    ['0 0 * * *', 59_000],
    ['0 0 * * 1-5', 20_000],
    ['0 0 * * 0,7', 20_000],
    ['30 9 * * 1-5', 20_000],
    ['0,15 1,12 1,15 * *', 20_000],
    ['0,15 0,12 * * 3', 20_000],
    ['10-20/3 3/7 * 2-11 *', 45_000],
  ])('moves %s by %i ms', async (cron, leadMs) => {
    await expectMovedBy(cron, leadMs);
  });

  it('moves a cron in a zone with a whole-hour offset the same way', async () => {
    await expectMovedBy('0 0 * * 2', 30_000, 'Asia/Tokyo');
  });

  it('gives no form for midnight on days of the month, and none for crons it does not read', () => {
    expect(startAheadCrons('0 0 1 * *', 20_000)).toBeUndefined();
    expect(startAheadCrons('0 0 * 1 *', 20_000)).toBeUndefined();
    expect(startAheadCrons('*/10 * * * * * *', 20_000)).toBeUndefined();
    expect(startAheadCrons('0 9 * * MON', 20_000)).toBeDefined();
    expect(startAheadCrons('0 0 * * MON', 20_000)).toBeUndefined();
    expect(startAheadCrons('@hourly', 20_000)).toBeUndefined();
    expect(startAheadCrons('* * * * *', 60_000)).toBeUndefined();
    expect(startAheadCrons('* * * * *', 1_500)).toBeUndefined();
  });

  it('moves any plain cron exactly, whenever it gives a form', async () => {
    const number = (max: number) => fc.integer({ min: 0, max });
    const field = (max: number) =>
      fc.oneof(
        fc.constant('*'),
        number(max).map(String),
        fc.tuple(number(max), number(max)).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
        fc.tuple(number(max), fc.integer({ min: 2, max: 12 })).map(([a, step]) => `${a}/${step}`),
        fc.uniqueArray(number(max), { minLength: 2, maxLength: 4 }).map((values) => values.join(',')),
      );
    const day = fc.oneof({ weight: 3, arbitrary: fc.constant('*') }, fc.integer({ min: 1, max: 28 }).map(String));
    const cron = fc.tuple(field(59), field(23), day, fc.oneof({ weight: 3, arbitrary: fc.constant('*') }, fc.integer({ min: 1, max: 12 }).map(String)), fc.oneof(fc.constant('*'), field(6))).map((parts) => parts.join(' '));
    await fc.assert(
      fc.asyncProperty(cron, fc.integer({ min: 1, max: 59 }), async (expression, leadS) => {
        if (!startAheadCrons(expression, leadS * 1000)) return;
        await expectMovedBy(expression, leadS * 1000);
      }),
      { numRuns: 25 },
    );
  });
});
