/** When a supervised process is restarted, and when restarting is given up. */
export interface RestartPolicy {
  /** Delay before the first restart; doubled for each further quick failure. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** A process that ran at least this long before it ended counts as having been healthy: the count starts again. */
  stableAfterMs: number;
  /** Restarts given up after this many quick failures in a row. */
  maxQuickFailures: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { initialDelayMs: 1_000, maxDelayMs: 30_000, stableAfterMs: 60_000, maxQuickFailures: 5 };

/** The failure count after a process that ran `uptimeMs` ended: one more, or one if it had been up long enough. */
export function nextFailureCount(policy: RestartPolicy, previousFailures: number, uptimeMs: number): number {
  return uptimeMs >= policy.stableAfterMs ? 1 : previousFailures + 1;
}

/** Exponential backoff for the `failures`-th quick failure in a row (1-based), capped; undefined means give up. */
export function restartDelayMs(policy: RestartPolicy, failures: number): number | undefined {
  if (failures > policy.maxQuickFailures) return undefined;
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (failures - 1));
}
