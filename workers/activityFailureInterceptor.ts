import { Context } from '@temporalio/activity';
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { ErrorEventRecorder } from '../lib/errorEvents.ts';
import { KeelError } from '../lib/errors.ts';
import { RETRY_POLICY_HEADER, retryDelayMs, temporalComputesDelays, type RetryPolicyConfig } from '../lib/retryStrategies.ts';

/** The retry policy an activity runs under and the attempt that just failed (1-based). */
export interface FailedAttempt {
  policy: RetryPolicyConfig;
  attempt: number;
}

/** The delay the failure itself must name: the remote's hint first, else the policy's when Temporal cannot compute it. */
function nextRetryDelayMs(error: KeelError, failed: FailedAttempt | undefined): number | undefined {
  if (error.retryAfterMs !== undefined) return error.retryAfterMs;
  if (!failed || temporalComputesDelays(failed.policy)) return undefined;
  return retryDelayMs(failed.policy, failed.attempt);
}

/**
 * Turns an error into the failure Temporal acts on: typed, never retried when it is a business error or of a category
 * the policy does not retry, and carrying the next delay when the strategy (linear, fibonacci, jitter) or the remote
 * (Retry-After, an open circuit) decides it.
 */
export function toActivityFailure(error: unknown, failed?: FailedAttempt): unknown {
  if (error instanceof ApplicationFailure) return error;
  const classified = error instanceof KeelError ? error : unclassified(error, failed);
  if (!classified) return error;
  const nonRetryable = !classified.retryable || (failed !== undefined && !(failed.policy.retry_on as string[]).includes(classified.category));
  return ApplicationFailure.create({
    message: classified.message,
    type: classified.type,
    details: [{ category: classified.category }],
    nonRetryable,
    nextRetryDelay: nonRetryable ? undefined : nextRetryDelayMs(classified, failed),
    cause: error instanceof Error ? error : undefined,
  });
}

/** An error no one classified is a system error; it is left to Temporal as it is unless the policy has to pace its retry. */
function unclassified(error: unknown, failed: FailedAttempt | undefined): KeelError | undefined {
  if (!failed || temporalComputesDelays(failed.policy)) return undefined;
  const message = error instanceof Error ? error.message : String(error);
  const type = error instanceof Error ? error.name : 'Error';
  return new KeelError(message, { category: 'system', type, retryable: true, cause: error });
}

/**
 * Every activity of every worker: errors are mapped here once, so no activity can forget to, and each failed attempt
 * becomes an ErrorEvent (queued, not awaited) under its retry policy's name: market_data, notify, …
 */
export function activityFailureInterceptor(policies: Record<string, RetryPolicyConfig>, errorEvents: ErrorEventRecorder): ActivityInterceptorsFactory {
  return () => ({
    inbound: {
      async execute(input, next) {
        try {
          return await next(input);
        } catch (error) {
          const header = input.headers[RETRY_POLICY_HEADER];
          const name = header ? defaultPayloadConverter.fromPayload<string>(header) : undefined;
          const policy = name === undefined ? undefined : policies[name];
          const { attempt, activityType, workflowExecution } = Context.current().info;
          errorEvents.record({ component: name ?? activityType, error, context: { activity_type: activityType, attempt, workflow_id: workflowExecution?.workflowId } });
          throw toActivityFailure(error, policy && { policy, attempt });
        }
      },
    },
  });
}
