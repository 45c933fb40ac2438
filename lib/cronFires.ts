import { ScheduleNotFoundError } from '@temporalio/client';
import { msNumberToTs, tsToDate } from '@temporalio/common/lib/time.js';
import { ValidationError } from './errors.ts';
import { asScheduleValidationError } from './jobScheduler.ts';
import type { Logger } from './logger.ts';
import { newProbeScheduleId } from './probeSchedules.ts';
import { withTemporalDeadline, type TemporalClient } from './temporal.ts';

/** How far ahead a cron is read: past a leap day's eight-year gap (2096 → 2104), so "29 February" still fires. */
const HORIZON_MS = 9 * 366 * 86_400_000;

export interface CronSpec {
  cron: string;
  timezone: string;
}

/**
 * Refuses (422 on `cron`) a cron that never fires or fires more often than `minIntervalMs`. Temporal is the judge, as it
 * is of the syntax: a paused probe schedule is created, its matching times read, and it is deleted. No DB work happens here,
 * so callers run it before any transaction.
 */
export async function assertCronFires(temporal: TemporalClient, spec: CronSpec, minIntervalMs: number, logger: Logger): Promise<void> {
  const times = await matchingTimes(temporal, spec, logger);
  if (times.length === 0) throw new ValidationError([{ path: 'cron', message: 'never fires' }]);
  const gap = shortestGapMs(times);
  if (gap !== undefined && gap < minIntervalMs) {
    throw new ValidationError([{ path: 'cron', message: `fires every ${gap / 1000} s at times; at least ${minIntervalMs / 1000} s must pass between fires` }]);
  }
}

/** The shortest time between two consecutive fires, or undefined for a single fire. */
export function shortestGapMs(times: Date[]): number | undefined {
  let shortest: number | undefined;
  for (let i = 1; i < times.length; i++) {
    const gap = times[i]!.getTime() - times[i - 1]!.getTime();
    if (shortest === undefined || gap < shortest) shortest = gap;
  }
  return shortest;
}

async function matchingTimes(temporal: TemporalClient, spec: CronSpec, logger: Logger): Promise<Date[]> {
  const scheduleId = newProbeScheduleId('cron');
  try {
    await withTemporalDeadline(temporal, () =>
      temporal.client.schedule.create({
        scheduleId,
        spec: { cronExpressions: [spec.cron], timezone: spec.timezone },
        action: { type: 'startWorkflow', workflowType: 'cronProbe', taskQueue: 'cron-probe', args: [] },
        state: { paused: true, note: 'Keel cron check: deleted at once' },
      }),
    );
  } catch (error) {
    throw asScheduleValidationError(error);
  }
  try {
    const now = Date.now();
    const { startTime } = await withTemporalDeadline(temporal, () =>
      temporal.connection.workflowService.listScheduleMatchingTimes({
        namespace: temporal.namespace,
        scheduleId,
        startTime: msNumberToTs(now),
        endTime: msNumberToTs(now + HORIZON_MS),
      }),
    );
    return (startTime ?? []).map((time) => tsToDate(time));
  } finally {
    await withTemporalDeadline(temporal, () => temporal.client.schedule.getHandle(scheduleId).delete()).catch((error: unknown) => {
      if (!(error instanceof ScheduleNotFoundError)) logger.warn({ err: error, schedule_id: scheduleId }, 'could not delete a cron probe schedule');
    });
  }
}
