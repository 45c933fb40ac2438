import { ApiError, KeelError, businessError } from '../errors.ts';
import { requestJson } from '../http.ts';
import type { CircuitBreakers } from '../resilience.ts';
import type { MarketDataProvider, PriceQuote } from './provider.ts';

const INVALID_SYMBOL = -1121;

export interface BinanceOptions {
  baseUrl: string;
  timeoutMs: number;
  breakers: CircuitBreakers;
}

/** Prices from a Binance-compatible REST API (`GET /api/v3/ticker/price`), behind the `market_data` breaker. */
export function createBinanceProvider(options: BinanceOptions): MarketDataProvider {
  const base = options.baseUrl.replace(/\/+$/, '');
  return {
    name: 'binance',
    async getPrice(symbol: string): Promise<PriceQuote> {
      const url = `${base}/api/v3/ticker/price?symbol=${encodeURIComponent(symbol)}`;
      try {
        const { body } = await options.breakers.execute('market_data', () => requestJson(url, { timeoutMs: options.timeoutMs }));
        return { symbol, price: parsePrice(body, symbol), at: new Date().toISOString() };
      } catch (error) {
        throw classifyBinanceError(error, symbol);
      }
    },
  };
}

function parsePrice(body: unknown, symbol: string): number {
  const price = Number((body as { price?: unknown } | undefined)?.price);
  if (!Number.isFinite(price) || price <= 0) {
    throw new KeelError(`market data for ${symbol}: no valid price in ${JSON.stringify(body)}`, { category: 'api', type: 'MalformedResponse', retryable: true });
  }
  return price;
}

/** Binance's 4xx answers mean the request itself is wrong: say why and do not retry. */
function classifyBinanceError(error: unknown, symbol: string): unknown {
  if (!(error instanceof ApiError) || error.retryable) return error;
  const { code, msg } = (error.body ?? {}) as { code?: number; msg?: string };
  if (code === INVALID_SYMBOL) return businessError('InvalidSymbol', `market data: invalid symbol ${symbol} (${msg ?? 'Invalid symbol.'})`, error);
  return businessError('MarketDataRejected', `market data for ${symbol}: ${error.status} ${msg ?? JSON.stringify(error.body)}`, error);
}
