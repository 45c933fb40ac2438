import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptors } from '@temporalio/worker';
import { KeelError } from '../lib/errors.ts';

/** Turns a classified error into the failure Temporal acts on: typed, and never retried when it is a business error. */
export function toActivityFailure(error: unknown): unknown {
  if (!(error instanceof KeelError)) return error;
  return ApplicationFailure.create({
    message: error.message,
    type: error.type,
    details: [{ category: error.category }],
    nonRetryable: !error.retryable,
    cause: error,
  });
}

/** Every activity of every worker: errors are mapped here once, so no activity can forget to. */
export function activityFailureInterceptor(_ctx: Context): ActivityInterceptors {
  return {
    inbound: {
      async execute(input, next) {
        try {
          return await next(input);
        } catch (error) {
          throw toActivityFailure(error);
        }
      },
    },
  };
}
