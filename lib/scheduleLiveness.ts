/**
 * A schedule Temporal should have acted on by now but has not: not paused, and its next action time is behind `now` by
 * more than the grace (plus the job's jitter, which may move a fire that late on purpose). Temporal computes next action
 * times from the last time its scheduler ran, so a scheduler that stopped leaves them in the past.
 * Returns the overdue fire time, or null when the schedule is alive.
 */
export function overdueFireOf(live: { paused: boolean; nextActionTimes: Date[] }, now: Date, graceMs: number, jitterMs = 0): Date | null {
  if (live.paused) return null;
  const next = live.nextActionTimes[0];
  if (!next) return null;
  return now.getTime() - next.getTime() > graceMs + jitterMs ? next : null;
}
