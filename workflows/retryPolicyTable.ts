import { BUILT_IN_RETRY_POLICIES, type RetryPolicyConfig } from '../lib/retryStrategies.ts';

// The worker's configured policies; the workflow bundle's entry sets them before any workflow module loads
// (workers/createWorker.ts), so a policy changed in config reaches Temporal's RetryPolicy after a worker restart.
let policies: Record<string, RetryPolicyConfig> = BUILT_IN_RETRY_POLICIES;

export function useRetryPolicies(configured: Record<string, RetryPolicyConfig>): void {
  policies = configured;
}

export function retryPolicyNamed(name: string): RetryPolicyConfig {
  const policy = policies[name];
  if (!policy) throw new TypeError(`no retry policy named ${name} (config error_handling.retry_policies)`);
  return policy;
}
