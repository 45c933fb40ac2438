import { log } from '@temporalio/activity';
import { businessError } from '../lib/errors.ts';
import type { CandleInterval } from '../lib/jobParams/candleIntervals.ts';
import type { MarketDataProvider, PriceQuote } from '../lib/marketData/index.ts';

export interface MarketDataDeps {
  marketData: MarketDataProvider;
}

/** The price now and its move since the latest `timeframe` candle opened. */
export interface PriceChange {
  price: number;
  open: number;
  change_pct: number;
  /** The price is the last known one (see PriceQuote.stale), taken `at`. */
  stale?: boolean;
  at?: string;
}

export function createMarketDataActivities({ marketData }: MarketDataDeps) {
  return {
    async getPrice(symbol: string): Promise<PriceQuote> {
      const quote = await marketData.getPrice(symbol);
      log.info('price fetched', { provider: marketData.name, symbol, price: quote.price, stale: quote.stale });
      return quote;
    },

    async getPriceChange(symbol: string, timeframe: CandleInterval): Promise<PriceChange> {
      const [candle] = await marketData.getKlines(symbol, timeframe, 1);
      if (!candle || candle.open <= 0) throw businessError('InsufficientMarketData', `${symbol} has no ${timeframe} candle to measure a change against`);
      const { price, stale, at } = await marketData.getPrice(symbol);
      const change_pct = ((price - candle.open) / candle.open) * 100;
      log.info('price change read', { provider: marketData.name, symbol, timeframe, open: candle.open, price, change_pct, stale });
      return { price, open: candle.open, change_pct, ...(stale ? { stale, at } : {}) };
    },
  };
}

export type MarketDataActivities = ReturnType<typeof createMarketDataActivities>;
