// The seed's retry strategies as pure functions: no imports, so workflows, activities and plain code share them.

export const RETRY_STRATEGIES = ['fixed', 'exponential', 'linear', 'fibonacci'] as const;
export type RetryStrategy = (typeof RETRY_STRATEGIES)[number];

/** The error categories a policy may retry (lib/errors.ts ErrorCategory, repeated here to keep this file import-free). */
export const RETRYABLE_CATEGORIES = ['network', 'api', 'database', 'system'] as const;
export type RetryableCategory = (typeof RETRYABLE_CATEGORIES)[number];

/** A named retry policy with the seed's fields; delays in seconds, as in the seed's YAML. */
export interface RetryPolicyConfig {
  /** Attempts in all, the first included. */
  max_attempts: number;
  base_delay: number;
  strategy: RetryStrategy;
  /** The multiplier of `exponential`; unused by the other strategies. */
  backoff_factor: number;
  max_delay: number;
  /** Equal jitter: each delay is drawn uniformly from [delay / 2, delay], so retries of many callers spread out. */
  jitter: boolean;
  /** The categories of transient error this policy retries; a business error is never retried. */
  retry_on: RetryableCategory[];
}

const ALL_TRANSIENT: RetryableCategory[] = [...RETRYABLE_CATEGORIES];

/**
 * The policies every Keel process knows; config `error_handling.retry_policies` overlays them by name and may add more.
 * `default` is the seed's; the others are the activity profiles' (workflows/activityProfiles.ts).
 */
export const BUILT_IN_RETRY_POLICIES: Record<string, RetryPolicyConfig> = {
  default: { max_attempts: 3, base_delay: 1, strategy: 'exponential', backoff_factor: 2, max_delay: 30, jitter: true, retry_on: ALL_TRANSIENT },
  // Market data is cheap to repeat, but a price older than a minute is of no use (the profile's schedule-to-close bounds it).
  market_data: { max_attempts: 10, base_delay: 1, strategy: 'exponential', backoff_factor: 2, max_delay: 30, jitter: false, retry_on: ALL_TRANSIENT },
  // Receivers deduplicate by idempotency key, so patient retries are safe.
  notify: { max_attempts: 20, base_delay: 1, strategy: 'exponential', backoff_factor: 2, max_delay: 60, jitter: false, retry_on: ALL_TRANSIENT },
  // An order is never retried blindly: the workflow settles an unknown outcome by querying the exchange.
  exchange_order: { max_attempts: 1, base_delay: 1, strategy: 'fixed', backoff_factor: 1, max_delay: 1, jitter: false, retry_on: [] },
  // An undo must eventually land: it retries for as long as its profile allows (max_attempts 0 means no limit).
  compensation: { max_attempts: 0, base_delay: 1, strategy: 'exponential', backoff_factor: 2, max_delay: 60, jitter: false, retry_on: ALL_TRANSIENT },
  // Keel's own database writes: idempotent per run, retried while the database recovers (the profile's schedule-to-close bounds it).
  database: { max_attempts: 0, base_delay: 1, strategy: 'exponential', backoff_factor: 2, max_delay: 30, jitter: false, retry_on: ALL_TRANSIENT },
  // A report is a few seconds of work: worth a few minutes of retries.
  report: { max_attempts: 0, base_delay: 1, strategy: 'exponential', backoff_factor: 2, max_delay: 30, jitter: false, retry_on: ALL_TRANSIENT },
  // Database upkeep: slow, patient retries for up to an hour.
  maintenance: { max_attempts: 0, base_delay: 5, strategy: 'exponential', backoff_factor: 2, max_delay: 300, jitter: false, retry_on: ALL_TRANSIENT },
  // A process starting while the database or Temporal is still coming up waits for them, for about a minute.
  startup: { max_attempts: 8, base_delay: 0.5, strategy: 'exponential', backoff_factor: 2, max_delay: 15, jitter: true, retry_on: ['network', 'database'] },
  // A transaction that lost a lock race is run again at once, briefly (db/orm.ts inTransaction).
  database_conflict: { max_attempts: 6, base_delay: 0.025, strategy: 'exponential', backoff_factor: 2, max_delay: 0.4, jitter: true, retry_on: ['database'] },
};

/** fib(1) = 1, fib(2) = 1, fib(3) = 2, … */
function fibonacci(n: number): number {
  let [previous, current] = [0, 1];
  for (let i = 1; i < n; i++) [previous, current] = [current, previous + current];
  return current;
}

/** The delay before the next attempt when attempt number `attempt` (1-based) has just failed, before jitter and the cap. */
function rawDelaySeconds(policy: RetryPolicyConfig, attempt: number): number {
  switch (policy.strategy) {
    case 'fixed':
      return policy.base_delay;
    case 'exponential':
      return policy.base_delay * policy.backoff_factor ** (attempt - 1);
    case 'linear':
      return policy.base_delay * attempt;
    case 'fibonacci':
      return policy.base_delay * fibonacci(attempt);
  }
}

/** The delay (ms) before the next attempt once attempt `attempt` (1-based) failed: the strategy's, capped at max_delay, then jittered. */
export function retryDelayMs(policy: RetryPolicyConfig, attempt: number, random: () => number = Math.random): number {
  const capped = Math.min(rawDelaySeconds(policy, attempt), policy.max_delay) * 1000;
  return Math.round(policy.jitter ? capped / 2 + random() * (capped / 2) : capped);
}

/** Whether Temporal's own retry policy computes this policy's delays; otherwise the activity names each delay itself. */
export function temporalComputesDelays(policy: RetryPolicyConfig): boolean {
  return !policy.jitter && (policy.strategy === 'exponential' || policy.strategy === 'fixed');
}

/** Temporal's RetryPolicy for a named policy (the shape of @temporalio/common's RetryPolicy, durations in ms). */
export interface TemporalRetryPolicy {
  initialInterval: number;
  backoffCoefficient: number;
  maximumInterval: number;
  /** Left out for no limit. */
  maximumAttempts?: number;
}

/**
 * Exponential and fixed map exactly onto Temporal's policy. For linear, fibonacci and jitter the activity sets each
 * delay on its failure; this policy then only paces failures the activity cannot report (timeouts, a lost worker).
 */
export function toTemporalRetryPolicy(policy: RetryPolicyConfig): TemporalRetryPolicy {
  const initialInterval = policy.base_delay * 1000;
  return {
    initialInterval,
    backoffCoefficient: policy.strategy === 'exponential' ? policy.backoff_factor : 1,
    maximumInterval: Math.max(policy.max_delay * 1000, initialInterval),
    // 0 means no limit: Temporal wants the field left out (it refuses 0); the profile's schedule-to-close bounds it.
    ...(policy.max_attempts > 0 ? { maximumAttempts: policy.max_attempts } : {}),
  };
}

/** The activity header that carries the name of the activity's retry policy, from the workflow to the worker. */
export const RETRY_POLICY_HEADER = 'keel-retry-policy';
