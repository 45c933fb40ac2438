import { recoveryFor } from '../recovery.ts';
import type { MarketDataProvider, PriceQuote } from './provider.ts';

/**
 * The `fallback` recovery for prices: remembers each symbol's last quote (in this worker process), and when the
 * provider fails with an error registered as `fallback` (its breaker open, its bulkhead full) answers that quote,
 * marked `stale`, if it is at most `maxAgeMs` old; otherwise the error stands and Temporal retries.
 */
export function withLastKnownPrice(provider: MarketDataProvider, maxAgeMs: number, now: () => number = Date.now): MarketDataProvider {
  const last = new Map<string, PriceQuote>();
  return {
    name: provider.name,
    getKlines: (symbol, interval, limit) => provider.getKlines(symbol, interval, limit),
    async getPrice(symbol) {
      try {
        const quote = await provider.getPrice(symbol);
        last.set(symbol, quote);
        return quote;
      } catch (error) {
        const known = last.get(symbol);
        if (recoveryFor(error) !== 'fallback' || !known || now() - Date.parse(known.at) > maxAgeMs) throw error;
        return { ...known, stale: true };
      }
    },
  };
}
