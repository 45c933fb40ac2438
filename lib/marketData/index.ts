import type { Config } from '../config.ts';
import type { CircuitBreakers } from '../resilience.ts';
import { createBinanceProvider } from './binance.ts';
import type { MarketDataProvider } from './provider.ts';
import { RequestWeightLimiter } from './requestWeights.ts';
import { createSimulatedProvider } from './simulated.ts';

export type { Candle, MarketDataProvider, PriceQuote } from './provider.ts';

export function createMarketDataProvider(config: Config['market_data'], breakers: CircuitBreakers): MarketDataProvider {
  if (config.provider === 'binance') {
    return createBinanceProvider({ baseUrl: config.base_url, timeoutMs: config.timeout_ms, breakers, weights: new RequestWeightLimiter({ limitPerMinute: config.weight_limit_per_minute }) });
  }
  return createSimulatedProvider();
}
