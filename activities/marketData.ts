import { log } from '@temporalio/activity';
import type { MarketDataProvider, PriceQuote } from '../lib/marketData/index.ts';

export interface MarketDataDeps {
  marketData: MarketDataProvider;
}

export function createMarketDataActivities({ marketData }: MarketDataDeps) {
  return {
    async getPrice(symbol: string): Promise<PriceQuote> {
      const quote = await marketData.getPrice(symbol);
      log.info('price fetched', { provider: marketData.name, symbol, price: quote.price });
      return quote;
    },
  };
}

export type MarketDataActivities = ReturnType<typeof createMarketDataActivities>;
