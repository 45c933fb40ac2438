import { KeelError } from './errors.ts';

/** The seed's bulkhead for one outside dependency, in one process (config `error_handling.bulkheads.<name>`). */
export interface BulkheadConfig {
  /** Calls in flight at once. */
  max_concurrent: number;
  /** Calls waiting for a slot, first come first served; one more fails fast. */
  max_queued: number;
  /** The next retry delay a refused call asks for. */
  retry_after_ms: number;
}

/**
 * At most max_concurrent calls run at once; up to max_queued more wait in order, and any beyond fail fast with a
 * retryable `BulkheadFull` (its retryAfterMs tells Temporal when to try again). A free slot costs a counter check.
 */
export class Bulkhead {
  readonly #name: string;
  readonly #config: BulkheadConfig;
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(name: string, config: BulkheadConfig) {
    this.#name = name;
    this.#config = config;
  }

  get running(): number {
    return this.#running;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  async execute<T>(call: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#config.max_concurrent) {
      if (this.#waiting.length >= this.#config.max_queued) {
        throw new KeelError(`bulkhead ${this.#name} is full (${this.#config.max_concurrent} running, ${this.#config.max_queued} waiting)`, {
          category: 'system',
          type: 'BulkheadFull',
          retryable: true,
          retryAfterMs: this.#config.retry_after_ms,
        });
      }
      // The slot is handed over by the call that ends, so #running never drops below the limit while others wait.
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running += 1;
    }
    try {
      return await call();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running -= 1;
    }
  }
}
