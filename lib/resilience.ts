import { MemoryBreakerStore, type BreakerStore } from '../db/repositories/circuitBreakers.ts';
import { Bulkhead, type BulkheadConfig } from './bulkhead.ts';
import type { BreakerConfig, BreakerEvent, BreakerRecord, BreakerState } from './circuitBreakerState.ts';
import type { ErrorEventRecorder } from './errorEvents.ts';
import { KeelError, isRetryable } from './errors.ts';
import type { Logger } from './logger.ts';

/** The seed's binance_api breaker, with one trial call at a time: for a dependency config does not name. */
export const DEFAULT_BREAKER_CONFIG: BreakerConfig = { failure_threshold: 5, failure_window: 300, recovery_timeout: 60, success_threshold: 3, half_open_max_calls: 1 };

export interface CircuitBreakersOptions {
  /** Per dependency (market_data, telegram, webhook, exchange); others get DEFAULT_BREAKER_CONFIG. */
  configs?: Record<string, BreakerConfig>;
  /** Where the state lives: the database to share it with every worker process, else this process's memory. */
  store?: BreakerStore;
  /** How often this process re-reads the shared state (besides after each change it makes itself). */
  syncIntervalMs?: number;
  logger?: Logger;
  errorEvents?: ErrorEventRecorder;
  /** Per dependency: calls in flight at once in this process, and how many may wait (lib/bulkhead.ts); none: no limit. */
  bulkheads?: Record<string, BulkheadConfig>;
}

const TRANSITION_SEVERITY = { open: 'error', half_open: 'info', closed: 'info' } as const;

/**
 * Circuit breakers for the outside world, by dependency name; only transient failures trip them.
 * A CLOSED breaker costs one map lookup per call: no store access. Failures, transitions and calls while not
 * CLOSED go to the store (the database: every worker process sees one state), and a timer re-reads it.
 * While OPEN a call fails fast with a retryable CircuitOpen whose retryAfterMs is the time until HALF_OPEN,
 * so Temporal waits for it instead of spending attempts.
 */
export class CircuitBreakers {
  readonly #configs: Record<string, BreakerConfig>;
  readonly #store: BreakerStore;
  readonly #logger: Logger | undefined;
  readonly #errorEvents: ErrorEventRecorder | undefined;
  /** This process's view of each breaker; a name not here is CLOSED. */
  readonly #local = new Map<string, BreakerRecord>();
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #bulkheadConfigs: Record<string, BulkheadConfig>;
  /** By breaker name: a per-recipient breaker (`webhook:<hash>`) shares its dependency's bulkhead. */
  readonly #bulkheads = new Map<string, Bulkhead | undefined>();

  constructor(options: CircuitBreakersOptions = {}) {
    this.#configs = options.configs ?? {};
    this.#bulkheadConfigs = options.bulkheads ?? {};
    this.#store = options.store ?? new MemoryBreakerStore();
    this.#logger = options.logger;
    this.#errorEvents = options.errorEvents;
    if (options.syncIntervalMs) {
      this.#timer = setInterval(() => void this.sync().catch((error: unknown) => this.#logger?.warn({ err: error }, 'circuit breaker state not read; keeping the last known')), options.syncIntervalMs);
      this.#timer.unref();
    }
  }

  configOf(name: string): BreakerConfig {
    // A per-recipient breaker (`webhook:<hash>`, `telegram:<chat>`) takes its dependency's settings.
    return this.#configs[name] ?? this.#configs[name.split(':')[0]!] ?? DEFAULT_BREAKER_CONFIG;
  }

  /** Runs `call` within the dependency's bulkhead (if configured) and breaker; a refused call never counts as a failure. */
  execute<T>(name: string, call: () => Promise<T>): Promise<T> {
    const bulkhead = this.bulkheadOf(name);
    return bulkhead ? bulkhead.execute(() => this.#guarded(name, call)) : this.#guarded(name, call);
  }

  /** The bulkhead a breaker's calls share: one per dependency in this process. */
  bulkheadOf(name: string): Bulkhead | undefined {
    if (this.#bulkheads.has(name)) return this.#bulkheads.get(name);
    const dependency = name.split(':')[0]!;
    const config = this.#bulkheadConfigs[dependency];
    const bulkhead = config && (name === dependency ? new Bulkhead(dependency, config) : this.bulkheadOf(dependency));
    this.#bulkheads.set(name, bulkhead);
    return bulkhead;
  }

  async #guarded<T>(name: string, call: () => Promise<T>): Promise<T> {
    const local = this.#local.get(name);
    if (local === undefined || local.state === 'closed') {
      try {
        return await call();
      } catch (error) {
        if (isRetryable(error)) await this.#apply(name, { kind: 'failure' });
        throw error;
      }
    }
    if (local.state === 'open' && (local.forced || !local.next_attempt_at || Date.now() < local.next_attempt_at.getTime())) throw this.#openError(name, local);
    const claim = await this.#apply(name, { kind: 'claim' });
    if (!claim?.granted) throw this.#openError(name, claim?.record ?? local);
    if (claim.record.state === 'closed') return this.#guarded(name, call);
    try {
      const result = await call();
      await this.#apply(name, { kind: 'trial_done', ok: true });
      return result;
    } catch (error) {
      // A business error is an answer: the dependency is up.
      await this.#apply(name, { kind: 'trial_done', ok: !isRetryable(error) });
      throw error;
    }
  }

  /** This process's view of a breaker (CLOSED until told otherwise): what its next call acts on. */
  stateOf(name: string): BreakerState {
    return this.#local.get(name)?.state ?? 'closed';
  }

  /** Re-reads every breaker's shared state. */
  async sync(): Promise<void> {
    for (const record of await this.#store.list()) this.#local.set(record.name, record);
  }

  list(): Promise<BreakerRecord[]> {
    return this.#store.list();
  }

  /** An admin's override: `open` holds the breaker open until forced `closed`; `closed` resets it. */
  async force(name: string, state: 'open' | 'closed'): Promise<BreakerRecord> {
    const step = await this.#apply(name, { kind: 'force', state });
    if (!step) throw new KeelError(`circuit ${name}: state not stored`, { category: 'database', type: 'DatabaseUnavailable', retryable: true });
    return step.record;
  }

  close(): void {
    clearInterval(this.#timer);
  }

  #openError(name: string, record: BreakerRecord): KeelError {
    const retryAfterMs = record.next_attempt_at ? Math.max(0, record.next_attempt_at.getTime() - Date.now()) : this.configOf(name).recovery_timeout * 1000;
    return new KeelError(`circuit ${name} is ${record.state === 'half_open' ? 'half-open with its trial calls in flight' : 'open'}`, { category: 'network', type: 'CircuitOpen', retryable: true, retryAfterMs });
  }

  /** Applies an event to the shared state; a store that cannot be reached leaves the local view as it was (logged). */
  async #apply(name: string, event: BreakerEvent) {
    try {
      const step = await this.#store.apply(name, event, this.configOf(name));
      this.#local.set(name, step.record);
      if (step.transition) this.#transitioned(name, step.transition, step.record, event);
      return step;
    } catch (error) {
      this.#logger?.warn({ err: error, breaker: name, event: event.kind }, 'circuit breaker state not stored');
      return undefined;
    }
  }

  #transitioned(name: string, state: BreakerState, record: BreakerRecord, event: BreakerEvent): void {
    const forced = event.kind === 'force';
    this.#logger?.warn({ breaker: name, state, failure_count: record.failure_count, next_attempt_at: record.next_attempt_at, forced }, `circuit ${name} is ${state}`);
    this.#errorEvents?.record({
      component: 'circuit_breaker',
      severity: TRANSITION_SEVERITY[state],
      error_type: `Circuit${state === 'half_open' ? 'HalfOpen' : state === 'open' ? 'Opened' : 'Closed'}`,
      message: `circuit ${name} is ${state}${forced ? ' (forced by an admin)' : ''}`,
      context: { breaker: name, state, failure_count: record.failure_count, next_attempt_at: record.next_attempt_at?.toISOString() ?? null, forced },
    });
  }
}
