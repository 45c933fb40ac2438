import type { CandleInterval } from '../jobParams/candleIntervals.ts';

export interface PriceQuote {
  symbol: string;
  price: number;
  /** ISO time the provider's answer was taken. */
  at: string;
  /** The provider could not answer: this is the last known quote (lib/marketData/lastKnownPrice.ts), taken `at`. */
  stale?: boolean;
}

/** One kline, as Binance defines it: times in epoch milliseconds, `close_time` the candle's last millisecond. */
export interface Candle {
  open_time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  close_time: number;
}

/** A source of market prices; errors are KeelErrors (InvalidSymbol is a business error, never retried). */
export interface MarketDataProvider {
  readonly name: string;
  getPrice(symbol: string): Promise<PriceQuote>;
  /** The latest `limit` candles, oldest first; the last may still be open. */
  getKlines(symbol: string, interval: CandleInterval, limit: number): Promise<Candle[]>;
}
