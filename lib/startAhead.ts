import type { ScheduledJob } from './scheduleOptions.ts';
import { startAheadCrons } from './startAheadCron.ts';

/** How a job's schedule fires ahead of its cron: the crons Temporal is given, and by how much they are early. */
export interface StartAhead {
  crons: string[];
  leadMs: number;
}

/**
 * The start-ahead form of a job's schedule, or undefined when it fires at its cron's times. Only where the moved times are
 * exact: a plain five-field cron, no jitter (a jittered fire is no whole minute to wait for), and a zone without daylight
 * saving (a moved fire could fall into a skipped or repeated hour that the fire itself does not).
 */
export function startAheadOf(job: Pick<ScheduledJob, 'cron' | 'timezone' | 'jitter'>, leadMs: number): StartAhead | undefined {
  if (leadMs <= 0 || (job.jitter ?? 0) > 0 || !hasFixedOffset(job.timezone)) return undefined;
  const crons = startAheadCrons(job.cron, leadMs);
  return crons ? { crons, leadMs } : undefined;
}

/** Zones already judged, by year: list and reconcile passes ask for every job's zone. */
const fixedOffsets = new Map<string, boolean>();

/**
 * Whether a time zone keeps one UTC offset all year, this year and next (UTC, Asia/Tokyo; not Europe/London). A zone
 * this Node does not know (Temporal may) is not judged fixed: its jobs fire at their cron's times.
 */
export function hasFixedOffset(timezone: string): boolean {
  const year = new Date().getUTCFullYear();
  const key = `${year} ${timezone}`;
  let fixed = fixedOffsets.get(key);
  if (fixed === undefined) {
    fixed = offsetsOf(timezone, [year, year + 1])?.size === 1;
    fixedOffsets.set(key, fixed);
  }
  return fixed;
}

function offsetsOf(timezone: string, years: number[]): Set<string> | undefined {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'longOffset' });
  } catch {
    return undefined;
  }
  const instants = years.flatMap((year) => [Date.UTC(year, 0, 1), Date.UTC(year, 6, 1)]);
  return new Set(instants.map((at) => format.formatToParts(at).find((part) => part.type === 'timeZoneName')?.value ?? ''));
}

/** How far ahead a live schedule starts its runs, from its memo (ms; 0 for one that fires at its cron's times). */
export function leadOfSchedule(memo: Record<string, unknown> | undefined): number {
  const lead = memo?.start_ahead_ms;
  return typeof lead === 'number' ? lead : 0;
}

/** A time the schedule acts at, as the fire time it is for. */
export function fireTimeOfAction(actionTime: Date, leadMs: number): Date {
  return new Date(actionTime.getTime() + leadMs);
}
