// Pure timing rules of the outbox, unit-tested.

const FIRST_RETRY_MS = 2_000;
const LONGEST_RETRY_MS = 5 * 60_000;

/** How long after failed attempt number `attempts` (1 = the first) to try again: doubling from 2 s, at most 5 minutes, with ±20 % jitter so retries of many recipients spread out. */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * When a notification may go out, given the recipient's quiet hours (UTC, start inclusive, end exclusive; a window may
 * wrap midnight): `now` outside them, else the end of the window.
 */
export function afterQuietHours(now: Date, start: number | null, end: number | null): Date {
  if (start === null || end === null || start === end) return now;
  const hour = now.getUTCHours();
  const quiet = start < end ? hour >= start && hour < end : hour >= start || hour < end;
  if (!quiet) return now;
  const until = new Date(now);
  until.setUTCHours(end, 0, 0, 0);
  if (until <= now) until.setUTCDate(until.getUTCDate() + 1);
  return until;
}
