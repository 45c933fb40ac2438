import { defaultPayloadConverter } from '@temporalio/common';
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { RETRY_POLICY_HEADER } from '../lib/retryStrategies.ts';

/** Tells each activity the name of its retry policy, so its failures can name the next delay (linear, fibonacci, jitter). */
export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      async scheduleActivity(input, next) {
        const name = (input.options as { retryPolicyName?: unknown }).retryPolicyName;
        if (typeof name !== 'string') return next(input);
        return next({ ...input, headers: { ...input.headers, [RETRY_POLICY_HEADER]: defaultPayloadConverter.toPayload(name) } });
      },
    },
  ],
});
