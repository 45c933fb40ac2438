import type { MarketDataProvider, PriceQuote } from './provider.ts';

const BASE_PRICES: Record<string, number> = { BTCUSDT: 50_000, ETHUSDT: 3_000, BNBUSDT: 600, SOLUSDT: 150 };
const PERIOD_MS = 3_600_000;

/** Offline prices: a function of symbol and minute alone, so runs are reproducible and need no network. */
export function simulatedPrice(symbol: string, atMs: number): number {
  const base = BASE_PRICES[symbol] ?? 1 + (hash(symbol) % 100_000) / 100;
  const minute = Math.floor(atMs / 60_000) * 60_000;
  const wave = Math.sin((2 * Math.PI * minute) / PERIOD_MS + (hash(symbol) % 360));
  return Math.round(base * (1 + 0.02 * wave) * 100) / 100;
}

function hash(text: string): number {
  let h = 2166136261;
  for (const char of text) h = Math.imul(h ^ char.charCodeAt(0), 16777619) >>> 0;
  return h;
}

export function createSimulatedProvider(now: () => number = Date.now): MarketDataProvider {
  return {
    name: 'simulated',
    getPrice(symbol: string): Promise<PriceQuote> {
      const at = now();
      return Promise.resolve({ symbol, price: simulatedPrice(symbol, at), at: new Date(at).toISOString() });
    },
  };
}
