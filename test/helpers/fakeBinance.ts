import { CANDLE_INTERVALS } from '../../lib/jobParams/candleIntervals.ts';
import { sendJson, startLoopbackServer, type LoopbackServer } from './httpServer.ts';

/** A kline as Binance sends it: [open time, "open", "high", "low", "close", "volume", close time, …]. */
export type BinanceKline = [number, string, string, string, string, string, number, string, number, string, string, string];

export interface FakeBinance extends LoopbackServer {
  prices: Map<string, string>;
  /** Klines per symbol, oldest first, served for any valid interval. */
  klines: Map<string, BinanceKline[]>;
  /** The next `count` requests answer `status` (a fault the client must survive or report), with `headers` (e.g. Retry-After). */
  failNext(count: number, status: number, headers?: Record<string, string>): void;
  requests: string[];
  /** Sent as `X-MBX-USED-WEIGHT-1M` on every answer when set: the weight "other processes" have used this minute. */
  reportUsedWeight(weight: number | null): void;
  /** When each request arrived (performance.now()), faults included: retry pacing is read from these. */
  arrivals: number[];
  /** The same arrivals by the wall clock (Date.now()), to set beside timestamps the platform recorded. */
  arrivedAt: number[];
}

const HOUR_MS = 3_600_000;

/** Closed hourly klines ending with the last full hour, one per close; `openClose` adds a still-open candle after them. */
export function binanceKlines(closes: readonly number[], options: { intervalMs?: number; openClose?: number; now?: number } = {}): BinanceKline[] {
  const intervalMs = options.intervalMs ?? HOUR_MS;
  const currentOpen = Math.floor((options.now ?? Date.now()) / intervalMs) * intervalMs;
  const row = (openTime: number, close: number): BinanceKline => {
    const price = close.toFixed(8);
    return [openTime, price, price, price, price, '1.00000000', openTime + intervalMs - 1, price, 1, '0.50000000', price, '0'];
  };
  const rows = closes.map((close, i) => row(currentOpen - (closes.length - i) * intervalMs, close));
  return options.openClose === undefined ? rows : [...rows, row(currentOpen, options.openClose)];
}

/**
 * Speaks Binance's `GET /api/v3/ticker/price?symbol=…` and `GET /api/v3/klines?symbol=…&interval=…&limit=…`,
 * including the -1121 answer for unknown symbols and -1120 for intervals Binance does not have.
 */
export async function startFakeBinance(prices: Record<string, string>, klines: Record<string, BinanceKline[]> = {}): Promise<FakeBinance> {
  const table = new Map(Object.entries(prices));
  const klineTable = new Map(Object.entries(klines));
  const requests: string[] = [];
  const arrivals: number[] = [];
  const arrivedAt: number[] = [];
  let faults: { count: number; status: number; headers?: Record<string, string> } = { count: 0, status: 500 };
  let usedWeight: number | null = null;
  const server = await startLoopbackServer((req, _body, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(url.pathname + url.search);
    if (usedWeight !== null) res.setHeader('X-MBX-USED-WEIGHT-1M', String(usedWeight));
    arrivals.push(performance.now());
    arrivedAt.push(Date.now());
    if (url.pathname !== '/api/v3/ticker/price' && url.pathname !== '/api/v3/klines') return sendJson(res, 404, { code: -1, msg: 'not found' });
    if (faults.count > 0) {
      faults.count -= 1;
      for (const [name, value] of Object.entries(faults.headers ?? {})) res.setHeader(name, value);
      return sendJson(res, faults.status, { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' });
    }
    const symbol = url.searchParams.get('symbol') ?? '';
    if (url.pathname === '/api/v3/klines') {
      const rows = klineTable.get(symbol);
      if (!rows) return sendJson(res, 400, { code: -1121, msg: 'Invalid symbol.' });
      if (!(CANDLE_INTERVALS as readonly string[]).includes(url.searchParams.get('interval') ?? '')) return sendJson(res, 400, { code: -1120, msg: 'Invalid interval.' });
      const limit = Number(url.searchParams.get('limit') ?? 500);
      return sendJson(res, 200, rows.slice(-limit));
    }
    const price = table.get(symbol);
    if (!price) return sendJson(res, 400, { code: -1121, msg: 'Invalid symbol.' });
    sendJson(res, 200, { symbol, price });
  });
  return {
    ...server,
    prices: table,
    klines: klineTable,
    requests,
    arrivals,
    arrivedAt,
    failNext: (count, status, headers) => (faults = { count, status, headers }),
    reportUsedWeight: (weight) => (usedWeight = weight),
  };
}
