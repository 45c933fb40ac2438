import { proxyActivities, type ActivityInterfaceFor, type ActivityOptions } from '@temporalio/workflow';
import { toTemporalRetryPolicy } from '../lib/retryStrategies.ts';
import { retryPolicyNamed } from './retryPolicyTable.ts';

/** How long a worker may go silent before its activity is considered lost. */
const HEARTBEAT_TIMEOUT = '5 seconds';

/** An activity profile: Temporal's timeouts, and the name of a retry policy from config (never retry numbers). */
type ActivityProfileOptions = Omit<ActivityOptions, 'retry'> & { retryPolicy: string };

/**
 * How each kind of activity is run: timeouts, and a retry policy chosen by name (config `error_handling.retry_policies`).
 * Business failures are non-retryable whatever the policy (the activity failure interceptor marks them).
 * Activities that leave the process have a heartbeat timeout (the worker heartbeats for them): a dead worker is
 * noticed in seconds and the activity retried on a live one, instead of waiting out the start-to-close timeout.
 * Retries that may repeat are also bounded by time (schedule-to-close), so a crashed worker's heartbeat timeouts,
 * which Temporal counts as attempts, cannot stretch a run past the point its result is useful.
 */
export const ACTIVITY_PROFILES = {
  /** Reads from market data: cheap to repeat, worth retrying for a minute, no longer (the price would be stale). */
  market_data: { startToCloseTimeout: '15 seconds', scheduleToCloseTimeout: '1 minute', heartbeatTimeout: HEARTBEAT_TIMEOUT, retryPolicy: 'market_data' },
  /** Writes Keel's own database (and, for a job change, Temporal): idempotent per run, retried while the database recovers. */
  database: { startToCloseTimeout: '30 seconds', scheduleToCloseTimeout: '10 minutes', heartbeatTimeout: HEARTBEAT_TIMEOUT, retryPolicy: 'database' },
  /** Reads candles, computes and renders a report: a few seconds of work, worth retrying for a few minutes. */
  report: { startToCloseTimeout: '1 minute', scheduleToCloseTimeout: '5 minutes', heartbeatTimeout: HEARTBEAT_TIMEOUT, retryPolicy: 'report' },
  /** Long database upkeep (batched deletes, VACUUM): heartbeats as it goes, so a dead worker is noticed; retried for an hour. */
  maintenance: { startToCloseTimeout: '30 minutes', scheduleToCloseTimeout: '1 hour', heartbeatTimeout: '1 minute', retryPolicy: 'maintenance' },
  /** Delivers a notification: receivers deduplicate by idempotency key, so patient retries are safe. */
  notify: { startToCloseTimeout: '15 seconds', scheduleToCloseTimeout: '10 minutes', heartbeatTimeout: HEARTBEAT_TIMEOUT, retryPolicy: 'notify' },
  /** Places an order: never retried blindly; the workflow settles an unknown outcome by querying the exchange. */
  exchange_order: { startToCloseTimeout: '30 seconds', heartbeatTimeout: HEARTBEAT_TIMEOUT, retryPolicy: 'exchange_order' },
  /** Undoes a step: idempotent, and must eventually land, so it retries for as long as an hour. */
  compensation: { startToCloseTimeout: '30 seconds', heartbeatTimeout: HEARTBEAT_TIMEOUT, scheduleToCloseTimeout: '1 hour', retryPolicy: 'compensation' },
} as const satisfies Record<string, ActivityProfileOptions>;

export type ActivityProfile = keyof typeof ACTIVITY_PROFILES;

/** What a profile asks of Temporal; `retryPolicyName` rides along to the activity in a header (retryPolicyHeader.ts). */
export function activityOptionsOf(profile: ActivityProfileOptions): ActivityOptions & { retryPolicyName: string } {
  const { retryPolicy, ...options } = profile;
  return { ...options, retry: toTemporalRetryPolicy(retryPolicyNamed(retryPolicy)), retryPolicyName: retryPolicy };
}

/** The activities of type A, run with the named profile's options. */
export function activitiesWithProfile<A extends object>(profile: ActivityProfile): ActivityInterfaceFor<A> {
  return proxyActivities<A>(activityOptionsOf(ACTIVITY_PROFILES[profile]));
}

/** One round of the outbox: long enough for a full batch (each send has its own timeout); a crashed round is retried at once, its rows wait out their lease. */
export const DELIVERY_PROFILE = {
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
} as const satisfies ActivityOptions;
