import { sendJson, startLoopbackServer, type LoopbackServer } from './httpServer.ts';

export interface FakeBinance extends LoopbackServer {
  prices: Map<string, string>;
  /** The next `count` price requests answer `status` (a fault the client must survive or report). */
  failNext(count: number, status: number): void;
  requests: string[];
}

/** Speaks Binance's `GET /api/v3/ticker/price?symbol=…`, including its -1121 answer for unknown symbols. */
export async function startFakeBinance(prices: Record<string, string>): Promise<FakeBinance> {
  const table = new Map(Object.entries(prices));
  const requests: string[] = [];
  let faults = { count: 0, status: 500 };
  const server = await startLoopbackServer((req, _body, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(url.pathname + url.search);
    if (url.pathname !== '/api/v3/ticker/price') return sendJson(res, 404, { code: -1, msg: 'not found' });
    if (faults.count > 0) {
      faults.count -= 1;
      return sendJson(res, faults.status, { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' });
    }
    const symbol = url.searchParams.get('symbol') ?? '';
    const price = table.get(symbol);
    if (!price) return sendJson(res, 400, { code: -1121, msg: 'Invalid symbol.' });
    sendJson(res, 200, { symbol, price });
  });
  return { ...server, prices: table, requests, failNext: (count, status) => (faults = { count, status }) };
}
