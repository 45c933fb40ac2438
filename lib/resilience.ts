import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import { KeelError, isRetryable } from './errors.ts';

export interface BreakerOptions {
  /** Consecutive transient failures that open the circuit. */
  threshold?: number;
  /** How long the circuit stays open before one trial call. */
  halfOpenAfterMs?: number;
}

interface BreakerEntry {
  policy: CircuitBreakerPolicy;
  failureCount: number;
  openedAt?: Date;
  halfOpenAfterMs: number;
}

/** Circuit breakers for the outside world, by dependency name; only transient failures trip them. */
export class CircuitBreakers {
  readonly #entries = new Map<string, BreakerEntry>();

  get(name: string, options: BreakerOptions = {}): CircuitBreakerPolicy {
    const existing = this.#entries.get(name);
    if (existing) return existing.policy;
    const halfOpenAfterMs = options.halfOpenAfterMs ?? 10_000;
    const policy = circuitBreaker(handleWhen(isRetryable), {
      halfOpenAfter: halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.threshold ?? 5),
    });
    const entry: BreakerEntry = { policy, failureCount: 0, halfOpenAfterMs };
    policy.onFailure(({ handled }) => {
      if (handled) entry.failureCount += 1;
    });
    policy.onSuccess(() => {
      entry.failureCount = 0;
    });
    policy.onBreak(() => {
      entry.openedAt = new Date();
    });
    policy.onReset(() => {
      entry.openedAt = undefined;
    });
    this.#entries.set(name, entry);
    return policy;
  }

  /** Runs a call through the named breaker; an open circuit fails fast with a retryable error. */
  async execute<T>(name: string, call: () => Promise<T>): Promise<T> {
    try {
      return await this.get(name).execute(call);
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw new KeelError(`circuit ${name} is open`, { category: 'network', type: 'CircuitOpen', retryable: true, cause: error });
      }
      throw error;
    }
  }

  snapshot(): { name: string; state: string; failure_count: number; opened_at: string | null; next_attempt_at: string | null }[] {
    return [...this.#entries].map(([name, entry]) => {
      const open = entry.policy.state === CircuitState.Open;
      return {
        name,
        state: CircuitState[entry.policy.state].toLowerCase(),
        failure_count: entry.failureCount,
        opened_at: entry.openedAt?.toISOString() ?? null,
        next_attempt_at: open && entry.openedAt ? new Date(entry.openedAt.getTime() + entry.halfOpenAfterMs).toISOString() : null,
      };
    });
  }
}
