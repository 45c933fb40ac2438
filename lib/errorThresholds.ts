/** The seed's error-monitor settings (`error_handling.monitoring`): errors per minute that call for an alert. */
export interface ErrorMonitorConfig {
  /** All errors together, per minute. */
  error_rate_threshold: number;
  /** Seconds between two alerts for the same rule. */
  alert_cooldown: number;
  /** Per severity, per minute: one critical error is already worth an alert. */
  severity_thresholds: Partial<Record<string, number>>;
}

export interface CrossedThreshold {
  /** `error_rate`, or `severity:<name>`. */
  rule: string;
  count: number;
  threshold: number;
}

/** The thresholds the last minute's error counts (by severity) reach or pass; empty when all is well. */
export function crossedThresholds(countsBySeverity: Record<string, number>, config: ErrorMonitorConfig): CrossedThreshold[] {
  const crossed: CrossedThreshold[] = [];
  const total = Object.values(countsBySeverity).reduce((sum, count) => sum + count, 0);
  if (total >= config.error_rate_threshold) crossed.push({ rule: 'error_rate', count: total, threshold: config.error_rate_threshold });
  for (const [severity, threshold] of Object.entries(config.severity_thresholds)) {
    const count = countsBySeverity[severity] ?? 0;
    if (threshold !== undefined && count >= threshold) crossed.push({ rule: `severity:${severity}`, count, threshold });
  }
  return crossed;
}

/**
 * The idempotency key of an alert for a rule: the same within one cooldown period, so however many monitor passes (or
 * API processes) see the same crossing, the notification outbox sends it once per cooldown.
 */
export function errorAlertKey(rule: string, now: Date, cooldownSeconds: number): string {
  const period = Math.floor(now.getTime() / (cooldownSeconds * 1000));
  return `error-monitor/${rule}/${period}`;
}
