import { CANDLE_INTERVAL_MS, type CandleInterval } from '../jobParams/candleIntervals.ts';
import type { Candle, MarketDataProvider, PriceQuote } from './provider.ts';

const BASE_PRICES: Record<string, number> = { BTCUSDT: 50_000, ETHUSDT: 3_000, BNBUSDT: 600, SOLUSDT: 150 };
const PERIOD_MS = 3_600_000;
/** A second, slower wave, 37 h long (no candle length from 1h to a month is a multiple): hourly and longer candles would otherwise all close alike. */
const SLOW_PERIOD_MS = 37 * 3_600_000;

/** Offline prices: a function of symbol and minute alone, so runs are reproducible and need no network. */
export function simulatedPrice(symbol: string, atMs: number): number {
  const base = BASE_PRICES[symbol] ?? 1 + (hash(symbol) % 100_000) / 100;
  const minute = Math.floor(atMs / 60_000) * 60_000;
  const wave = Math.sin((2 * Math.PI * minute) / PERIOD_MS + (hash(symbol) % 360));
  const slowWave = Math.sin((2 * Math.PI * minute) / SLOW_PERIOD_MS);
  return Math.round(base * (1 + 0.015 * wave + 0.005 * slowWave) * 100) / 100;
}

function hash(text: string): number {
  let h = 2166136261;
  for (const char of text) h = Math.imul(h ^ char.charCodeAt(0), 16777619) >>> 0;
  return h;
}

/** Binance's weeks open on Monday 00:00 UTC; the epoch was a Thursday. */
const WEEK_OFFSET_MS = 4 * 24 * 3_600_000;
/** Samples per candle for its high and low: enough to show the wave, cheap for a thousand candles. */
const SAMPLES = 16;

/** Open and close time of the candle `back` intervals before the one holding `atMs`. */
function candleSpan(interval: CandleInterval, atMs: number, back: number): [number, number] {
  if (interval === '1M') {
    const at = new Date(atMs);
    const open = Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - back, 1);
    return [open, Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - back + 1, 1) - 1];
  }
  const length = CANDLE_INTERVAL_MS[interval];
  const offset = interval === '1w' ? WEEK_OFFSET_MS : 0;
  const open = Math.floor((atMs - offset) / length) * length + offset - back * length;
  return [open, open + length - 1];
}

/** Offline klines drawn from simulatedPrice: the open candle closes at the current simulated price. */
export function simulatedKlines(symbol: string, interval: CandleInterval, limit: number, atMs: number): Candle[] {
  const candles: Candle[] = [];
  for (let back = limit - 1; back >= 0; back--) {
    const [open_time, close_time] = candleSpan(interval, atMs, back);
    const last = Math.min(close_time, atMs);
    const samples = Array.from({ length: SAMPLES + 1 }, (_, i) => simulatedPrice(symbol, open_time + ((last - open_time) * i) / SAMPLES));
    candles.push({ open_time, open: samples[0]!, high: Math.max(...samples), low: Math.min(...samples), close: samples[SAMPLES]!, volume: 0, close_time });
  }
  return candles;
}

export function createSimulatedProvider(now: () => number = Date.now): MarketDataProvider {
  return {
    name: 'simulated',
    getPrice(symbol: string): Promise<PriceQuote> {
      const at = now();
      return Promise.resolve({ symbol, price: simulatedPrice(symbol, at), at: new Date(at).toISOString() });
    },
    getKlines(symbol: string, interval: CandleInterval, limit: number): Promise<Candle[]> {
      return Promise.resolve(simulatedKlines(symbol, interval, limit, now()));
    },
  };
}
