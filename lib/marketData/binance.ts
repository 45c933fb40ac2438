import { ApiError, KeelError, businessError } from '../errors.ts';
import { requestJson, type HttpResponse } from '../http.ts';
import type { CircuitBreakers } from '../resilience.ts';
import { BINANCE_WEIGHTS, type RequestWeightLimiter } from './requestWeights.ts';
import type { CandleInterval } from '../jobParams/candleIntervals.ts';
import type { Candle, MarketDataProvider, PriceQuote } from './provider.ts';

const INVALID_SYMBOL = -1121;
const INVALID_INTERVAL = -1120;

export interface BinanceOptions {
  baseUrl: string;
  timeoutMs: number;
  breakers: CircuitBreakers;
  weights: RequestWeightLimiter;
}

/** Binance answers 429 when the weight limit is hit and 418 once it bans the IP for ignoring 429s; both say how long in Retry-After. */
const RATE_LIMITED = new Set([418, 429]);
const DEFAULT_BACK_OFF_MS = 60_000;
const USED_WEIGHT_HEADER = 'x-mbx-used-weight-1m';

/** Prices and klines from a Binance-compatible REST API (`GET /api/v3/ticker/price`, `/api/v3/klines`), behind the `market_data` breaker. */
export function createBinanceProvider(options: BinanceOptions): MarketDataProvider {
  const base = options.baseUrl.replace(/\/+$/, '');

  /** Spends the call's request weight first; a 429 or 418 holds every later call back. */
  async function weighed(weight: number, call: () => Promise<HttpResponse>): Promise<HttpResponse> {
    const gate = options.weights.reserve(weight);
    if (!gate.ok) {
      throw new KeelError(`market data: request weight limit reached; next call in ${gate.retryAfterMs} ms`, { category: 'api', type: 'RateLimited', retryable: true, retryAfterMs: gate.retryAfterMs });
    }
    try {
      const response = await call();
      // Binance's own count for this IP, other processes included.
      const used = response.headers.get(USED_WEIGHT_HEADER);
      if (used !== null) options.weights.observeUsedWeight(Number(used));
      return response;
    } catch (error) {
      if (error instanceof ApiError && RATE_LIMITED.has(error.status)) options.weights.backOff(error.retryAfterMs ?? DEFAULT_BACK_OFF_MS);
      throw error;
    }
  }

  return {
    name: 'binance',
    async getPrice(symbol: string): Promise<PriceQuote> {
      const url = `${base}/api/v3/ticker/price?symbol=${encodeURIComponent(symbol)}`;
      try {
        const { body } = await weighed(BINANCE_WEIGHTS.tickerPrice, () => options.breakers.execute('market_data', () => requestJson(url, { timeoutMs: options.timeoutMs })));
        return { symbol, price: parsePrice(body, symbol), at: new Date().toISOString() };
      } catch (error) {
        throw classifyBinanceError(error, symbol);
      }
    },
    async getKlines(symbol: string, interval: CandleInterval, limit: number): Promise<Candle[]> {
      const url = `${base}/api/v3/klines?symbol=${encodeURIComponent(symbol)}&interval=${encodeURIComponent(interval)}&limit=${limit}`;
      try {
        const { body } = await weighed(BINANCE_WEIGHTS.klines, () => options.breakers.execute('market_data', () => requestJson(url, { timeoutMs: options.timeoutMs })));
        return parseKlines(body, symbol);
      } catch (error) {
        throw classifyBinanceError(error, symbol);
      }
    },
  };
}

/** Binance sends each kline as an array: [open time, "open", "high", "low", "close", "volume", close time, …]. */
function parseKlines(body: unknown, symbol: string): Candle[] {
  const malformed = () => new KeelError(`klines for ${symbol}: not Binance's kline arrays: ${String(JSON.stringify(body)).slice(0, 200)}`, { category: 'api', type: 'MalformedResponse', retryable: true });
  if (!Array.isArray(body)) throw malformed();
  return body.map((row: unknown) => {
    if (!Array.isArray(row) || row.length < 7) throw malformed();
    const [open_time, open, high, low, close, volume, close_time] = row.slice(0, 7).map(Number) as [number, number, number, number, number, number, number];
    const candle = { open_time, open, high, low, close, volume, close_time };
    if (!Object.values(candle).every(Number.isFinite) || close <= 0) throw malformed();
    return candle;
  });
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
  if (code === INVALID_INTERVAL) return businessError('InvalidInterval', `market data for ${symbol}: ${msg ?? 'Invalid interval.'}`, error);
  return businessError('MarketDataRejected', `market data for ${symbol}: ${error.status} ${msg ?? JSON.stringify(error.body)}`, error);
}
