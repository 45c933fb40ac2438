import type { Orm } from '../../db/orm.ts';
import type { Config } from '../config.ts';
import type { MarketDataProvider } from '../marketData/index.ts';
import { createBinanceExchange } from './binanceExchange.ts';
import type { Exchanges } from './exchangeForBot.ts';
import { createPaperExchange } from './paperExchange.ts';

/** Paper for dry-run bots; the Binance-format adapter too when EXCHANGE_PROVIDER is binance (the workers trade, the API's kill switch cancels). */
export function createExchanges(config: Config['exchange'], orm: Orm, marketData: MarketDataProvider): Exchanges {
  const live = config.provider === 'binance' ? createBinanceExchange({ baseUrl: config.base_url, apiKey: config.api_key, apiSecret: config.api_secret, timeoutMs: config.timeout_ms, recvWindowMs: config.recv_window_ms }) : undefined;
  return { paper: createPaperExchange(orm, marketData), ...(live ? { live } : {}) };
}
