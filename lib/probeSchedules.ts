import { randomUUID } from 'node:crypto';

/** Paused probe schedules Keel creates and deletes at once, to have Temporal read a cron; the prefix keeps them apart from `job-<id>`. */
export const PROBE_PREFIX = 'cron-probe-';
/** A probe lives for a few calls: one older than this had its delete fail, and the schedule reconciler removes it. */
export const STALE_PROBE_MS = 5 * 60_000;

const PROBE_ID = /^cron-probe-(?:[a-z]+-)?(\d{13})-[0-9a-f-]{36}$/;

/** `cron-probe-<kind>-<epoch ms>-<uuid>`: the creation time is in the ID, so a leftover can be told from one in use. */
export function newProbeScheduleId(kind: 'cron' | 'spec', now = Date.now()): string {
  return `${PROBE_PREFIX}${kind}-${now}-${randomUUID()}`;
}

/** Whether a schedule ID is a probe left behind (older than STALE_PROBE_MS); anything else is never judged stale. */
export function isStaleProbe(scheduleId: string, now = Date.now()): boolean {
  const match = PROBE_ID.exec(scheduleId);
  return match !== null && now - Number(match[1]) > STALE_PROBE_MS;
}
