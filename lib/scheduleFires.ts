import { msNumberToTs, tsToDate } from '@temporalio/common/lib/time.js';
import { withTemporalDeadline, type TemporalClient } from './temporal.ts';

/**
 * How many times a schedule fires in [start, end], as a backfill of that range runs them, counted up to `atMost + 1`
 * (enough to refuse). The server's matching times start just after the time asked for (a backfill includes a fire at
 * `start`), and come in bounded pages, so each query starts just before the first time not yet counted.
 */
export async function countScheduleFires(temporal: TemporalClient, scheduleId: string, start: Date, end: Date, atMost: number): Promise<number> {
  let count = 0;
  let after = start.getTime() - 1;
  while (count <= atMost) {
    const { startTime } = await withTemporalDeadline(temporal, () =>
      temporal.connection.workflowService.listScheduleMatchingTimes({ namespace: temporal.namespace, scheduleId, startTime: msNumberToTs(after), endTime: msNumberToTs(end.getTime()) }),
    );
    const times = (startTime ?? []).map((time) => tsToDate(time).getTime()).filter((time) => time > after && time <= end.getTime());
    if (times.length === 0) break;
    count += times.length;
    after = Math.max(...times);
  }
  return count;
}
