/** Binance's spot request weights for the calls Keel makes (GET /api/v3/ticker/price with a symbol; GET /api/v3/klines). */
export const BINANCE_WEIGHTS = { tickerPrice: 2, klines: 2 } as const;

const MINUTE_MS = 60_000;

export type WeightGate = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * Keeps one process under Binance's REQUEST_WEIGHT limit, which Binance counts per IP and calendar minute: each call
 * reserves its weight in the current minute; the server's own count (`X-MBX-USED-WEIGHT-1M`, which includes other
 * processes on the same IP) raises ours; a 429 or 418 stops every call until its Retry-After. A call that does not fit
 * is refused at once with the time to wait, so Temporal retries it then instead of a worker slot sleeping.
 */
export class RequestWeightLimiter {
  readonly #limitPerMinute: number;
  readonly #now: () => number;
  #minute = -1;
  #used = 0;
  #blockedUntil = 0;

  constructor(options: { limitPerMinute: number; now?: () => number }) {
    this.#limitPerMinute = options.limitPerMinute;
    this.#now = options.now ?? Date.now;
  }

  reserve(weight: number): WeightGate {
    const now = this.#now();
    if (now < this.#blockedUntil) return { ok: false, retryAfterMs: this.#blockedUntil - now };
    this.#roll(now);
    if (this.#used + weight > this.#limitPerMinute) return { ok: false, retryAfterMs: (this.#minute + 1) * MINUTE_MS - now };
    this.#used += weight;
    return { ok: true };
  }

  /** The weight Binance says this IP has used in the current minute. */
  observeUsedWeight(used: number): void {
    if (!Number.isFinite(used)) return;
    this.#roll(this.#now());
    this.#used = Math.max(this.#used, used);
  }

  /** After a 429 (too many requests) or 418 (IP banned): nothing is sent before Retry-After has passed. */
  backOff(retryAfterMs: number): void {
    this.#blockedUntil = Math.max(this.#blockedUntil, this.#now() + retryAfterMs);
  }

  #roll(now: number): void {
    const minute = Math.floor(now / MINUTE_MS);
    if (minute !== this.#minute) {
      this.#minute = minute;
      this.#used = 0;
    }
  }
}
