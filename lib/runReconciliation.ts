import type { Config } from './config.ts';
import { runPeriodically, type PeriodicTask } from './periodic.ts';
import { DEFAULT_GRACE_MS, DEFAULT_LOOKBACK_MS, reconcileRuns, type RunReconcilerDeps } from './runReconciler.ts';

export interface RunReconciliationOptions {
  intervalMs?: number;
  graceMs?: number;
  /** How far back the first pass looks; later passes look back to the start of the last pass that succeeded. */
  lookbackMs?: number;
}

export const DEFAULT_INTERVAL_MS = 60_000;

export function runReconciliationOptionsOf(reconcile: Config['reconcile']): RunReconciliationOptions {
  return { intervalMs: reconcile.runs_interval_ms, graceMs: reconcile.runs_grace_ms, lookbackMs: reconcile.runs_lookback_ms };
}

/** Reconciles runs now and then every interval, one pass at a time; a failed pass is logged and the next one tries again. */
export function startRunReconciliation(deps: RunReconcilerDeps, options: RunReconciliationOptions = {}): PeriodicTask {
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const logger = deps.logger.child({ component: 'run-reconciliation' });
  let lastSuccessStartedAt: number | undefined;

  async function pass(): Promise<void> {
    const startedAt = Date.now();
    // Visibility lags a little behind the close itself: overlap the previous pass by one interval.
    const lookbackMs = lastSuccessStartedAt === undefined ? (options.lookbackMs ?? DEFAULT_LOOKBACK_MS) : startedAt - lastSuccessStartedAt + intervalMs;
    try {
      const counts = await reconcileRuns({ ...deps, logger }, { graceMs: options.graceMs ?? DEFAULT_GRACE_MS, lookbackMs });
      lastSuccessStartedAt = startedAt;
      if (counts.closed || counts.created) logger.info({ ...counts, duration_ms: Date.now() - startedAt }, 'runs reconciled');
    } catch (error) {
      // Temporal or the database being down must not end the process: the next pass catches up.
      logger.warn({ err: error }, 'run reconciliation failed; retrying next interval');
    }
  }

  return runPeriodically(pass, intervalMs);
}
