import type { Counter, Gauge } from 'prom-client';
import { inTransaction, type Orm } from '../db/orm.ts';
import { countErrorEventsBySeverity } from '../db/repositories/errorEvents.ts';
import type { Config } from './config.ts';
import { crossedThresholds, errorAlertKey, type CrossedThreshold } from './errorThresholds.ts';
import type { Logger } from './logger.ts';
import type { Notification } from './notify/index.ts';
import { runPeriodically, type PeriodicTask } from './periodic.ts';

const WINDOW_MS = 60_000;

export interface ErrorMonitorDeps {
  orm: Orm;
  logger: Logger;
  config: Config['error_handling']['monitoring'];
  /** The outbox: `queued` is false when this rule's alert for this cooldown is already there (another pass or process). */
  alerts: { send(notification: Notification): Promise<{ queued: boolean }> };
  metrics: { errorRatePerMinute: Gauge<'severity'>; errorAlerts: Counter<'rule'> };
}

/**
 * One monitor pass: counts the last minute's ErrorEvents of every process by severity, sets the rate gauge, and for
 * each crossed threshold logs it and queues one alert per cooldown (the idempotency key is the same within a cooldown).
 */
export async function checkErrorRates(deps: ErrorMonitorDeps, now: Date = new Date()): Promise<CrossedThreshold[]> {
  const counts = await inTransaction(deps.orm, (em) => countErrorEventsBySeverity(em, new Date(now.getTime() - WINDOW_MS)));
  let total = 0;
  for (const [severity, count] of Object.entries(counts)) {
    deps.metrics.errorRatePerMinute.set({ severity }, count);
    total += count;
  }
  deps.metrics.errorRatePerMinute.set({ severity: 'all' }, total);
  const crossed = crossedThresholds(counts, deps.config);
  for (const rule of crossed) {
    deps.logger.warn({ rule: rule.rule, count: rule.count, threshold: rule.threshold }, 'error rate threshold crossed');
    if (deps.config.alert_user_id === 0) continue;
    const { queued } = await deps.alerts.send({
      idempotency_key: errorAlertKey(rule.rule, now, deps.config.alert_cooldown),
      title: `Keel errors: ${rule.rule}`,
      text: `${rule.count} errors (${rule.rule}) in the last minute; the threshold is ${rule.threshold}.`,
      job_id: 0,
      user_id: deps.config.alert_user_id,
      data: { rule: rule.rule, count: rule.count, threshold: rule.threshold, window_seconds: WINDOW_MS / 1000 },
    });
    if (queued) deps.metrics.errorAlerts.inc({ rule: rule.rule });
  }
  return crossed;
}

/** Runs checkErrorRates every config.interval_ms; a failed pass is logged and the next one tries again. */
export function startErrorMonitor(deps: ErrorMonitorDeps): PeriodicTask {
  return runPeriodically(
    () => checkErrorRates(deps).then(
      () => undefined,
      (error: unknown) => deps.logger.warn({ err: error }, 'error monitor pass failed; the next pass tries again'),
    ),
    deps.config.interval_ms,
  );
}
