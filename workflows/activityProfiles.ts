import { proxyActivities, type ActivityInterfaceFor, type ActivityOptions } from '@temporalio/workflow';

/** How long a worker may go silent before its activity is considered lost. */
const HEARTBEAT_TIMEOUT = '5 seconds';

/**
 * How each kind of activity is run: timeouts and retries, chosen by name so no workflow writes retry numbers inline.
 * Business failures are non-retryable whatever the profile (the activity failure interceptor marks them).
 * Activities that leave the process have a heartbeat timeout (the worker heartbeats for them): a dead worker is
 * noticed in seconds and the activity retried on a live one, instead of waiting out the start-to-close timeout.
 * Retries that may repeat are bounded by time, not by a count: Temporal counts a heartbeat timeout as an attempt, so a
 * crashed worker must not use up an attempt a real failure needed.
 */
export const ACTIVITY_PROFILES = {
  /** Reads from market data: cheap to repeat, worth retrying for a minute, no longer (the price would be stale). */
  market_data: {
    startToCloseTimeout: '15 seconds',
    scheduleToCloseTimeout: '1 minute',
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
  },
  /** Delivers a notification: receivers deduplicate by idempotency key, so patient retries are safe. */
  notify: {
    startToCloseTimeout: '15 seconds',
    scheduleToCloseTimeout: '10 minutes',
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  },
  /** Places an order: never retried blindly; the workflow settles an unknown outcome by querying the exchange. */
  exchange_order: {
    startToCloseTimeout: '30 seconds',
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    retry: { maximumAttempts: 1 },
  },
  /** Undoes a step: idempotent, and must eventually land, so it retries for as long as an hour. */
  compensation: {
    startToCloseTimeout: '30 seconds',
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    scheduleToCloseTimeout: '1 hour',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  },
} as const satisfies Record<string, ActivityOptions>;

export type ActivityProfile = keyof typeof ACTIVITY_PROFILES;

/** The activities of type A, run with the named profile's options. */
export function activitiesWithProfile<A extends object>(profile: ActivityProfile): ActivityInterfaceFor<A> {
  return proxyActivities<A>(ACTIVITY_PROFILES[profile]);
}

/** One round of the outbox: long enough for a full batch (each send has its own timeout); a crashed round is retried at once, its rows wait out their lease. */
export const DELIVERY_PROFILE = {
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
} as const satisfies ActivityOptions;
