import { createHmac } from 'node:crypto';
import { sendJson, startLoopbackServer, type LoopbackServer } from './httpServer.ts';

export const FAKE_API_KEY = 'fake-exchange-key';
export const FAKE_API_SECRET = 'fake-exchange-secret-never-logged';

/** What the next order request meets: placed and answered; placed but the answer lost (500); refused before placing (503); -1001; held, then placed. */
export type OrderFault = { kind: 'lose-answer' } | { kind: 'unavailable' } | { kind: 'internal-1001' } | { kind: 'hold'; ms: number };

export interface FakeOrder {
  symbol: string;
  side: string;
  clientOrderId: string;
  orderId: number;
  status: string;
  executedQty: string;
  cummulativeQuoteQty: string;
}

export interface FakeExchange extends LoopbackServer {
  /** Orders by client ID: what the exchange really holds. */
  orders: Map<string, FakeOrder>;
  prices: Map<string, number>;
  /** Order requests that reached the exchange, placed or not. */
  orderRequests: number;
  faults: OrderFault[];
  /** Quote balance: a BUY costing more is rejected with -2010. */
  quoteBalance: number;
  /** Each symbol's LOT_SIZE filter (stepSize, minQty), as exchangeInfo shows it and orders must keep. */
  lotSizes: Map<string, { stepSize: string; minQty: string }>;
}

/** Binance's LOT_SIZE for BTCUSDT: the default of every symbol here. */
const DEFAULT_LOT_SIZE = { stepSize: '0.00001000', minQty: '0.00001000' };
const LOT_SIZE_FAILURE = { code: -1013, msg: 'Filter failure: LOT_SIZE' };

/**
 * A Binance-format spot order API (`/api/v3/order` POST, GET, DELETE) on 127.0.0.1: checks the API key and the
 * HMAC-SHA256 signature, refuses requests older than their recvWindow (-1021), fills market orders at once at its price
 * (a quote-sized buy rounded down to the lot step, as Binance does), refuses a quantity off the symbol's LOT_SIZE
 * (-1013), and refuses a client order ID it has seen (-2010 "Duplicate order sent."). The public
 * `GET /api/v3/exchangeInfo?symbol=` shows each symbol's LOT_SIZE. Faults are taken from `faults`, one per order request.
 */
export async function startFakeExchange(prices: Record<string, number>): Promise<FakeExchange> {
  let nextOrderId = 1000;
  const state = { orders: new Map<string, FakeOrder>(), prices: new Map(Object.entries(prices)), orderRequests: 0, faults: [] as OrderFault[], quoteBalance: 1_000_000, lotSizes: new Map<string, { stepSize: string; minQty: string }>() };
  const lotOf = (symbol: string) => state.lotSizes.get(symbol) ?? DEFAULT_LOT_SIZE;

  const server = await startLoopbackServer((req, _body, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/api/v3/exchangeInfo') {
      const symbol = url.searchParams.get('symbol') ?? '';
      if (!state.prices.has(symbol)) return sendJson(res, 400, { code: -1121, msg: 'Invalid symbol.' });
      return sendJson(res, 200, { timezone: 'UTC', symbols: [{ symbol, status: 'TRADING', filters: [{ filterType: 'PRICE_FILTER', minPrice: '0.01000000', maxPrice: '1000000.00000000', tickSize: '0.01000000' }, { filterType: 'LOT_SIZE', maxQty: '9000.00000000', ...lotOf(symbol) }] }] });
    }
    if (url.pathname !== '/api/v3/order') return sendJson(res, 404, { code: -1, msg: 'not found' });
    const query = url.search.slice(1);
    const signatureAt = query.lastIndexOf('&signature=');
    const expected = createHmac('sha256', FAKE_API_SECRET).update(query.slice(0, signatureAt)).digest('hex');
    if (req.headers['x-mbx-apikey'] !== FAKE_API_KEY || signatureAt < 0 || query.slice(signatureAt + 11) !== expected) {
      return sendJson(res, 401, { code: -1022, msg: 'Signature for this request is not valid.' });
    }
    const params = url.searchParams;
    const withinWindow = () => Date.now() - Number(params.get('timestamp')) <= Number(params.get('recvWindow'));
    const symbol = params.get('symbol') ?? '';
    const clientOrderId = params.get('origClientOrderId') ?? '';

    if (req.method === 'GET') {
      const order = state.orders.get(clientOrderId);
      return order ? sendJson(res, 200, order) : sendJson(res, 400, { code: -2013, msg: 'Order does not exist.' });
    }
    if (req.method === 'DELETE') {
      const order = state.orders.get(clientOrderId);
      if (!order || order.status !== 'NEW') return sendJson(res, 400, { code: -2011, msg: 'Unknown order sent.' });
      order.status = 'CANCELED';
      return sendJson(res, 200, order);
    }

    state.orderRequests++;
    const fault = state.faults.shift();
    if (fault?.kind === 'unavailable') return sendJson(res, 503, { code: -1, msg: 'Service unavailable' });
    if (fault?.kind === 'internal-1001') return sendJson(res, 500, { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' });
    const place = () => {
      if (!withinWindow()) return { status: 400, body: { code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' } };
      const price = state.prices.get(symbol);
      if (price === undefined) return { status: 400, body: { code: -1121, msg: 'Invalid symbol.' } };
      const id = params.get('newClientOrderId') ?? `auto-${nextOrderId}`;
      if (state.orders.has(id)) return { status: 400, body: { code: -2010, msg: 'Duplicate order sent.' } };
      const lot = { step: Number(lotOf(symbol).stepSize), min: Number(lotOf(symbol).minQty) };
      const asked = params.get('quantity');
      // Steps are counted in whole lots (with a float's slack) so 0.002 / 0.00001 is 200, not 199.99999999999997.
      const lots = (quantity: number) => quantity / lot.step;
      const quantity = asked !== null ? Number(asked) : Math.floor(lots(Number(params.get('quoteOrderQty')) / price) + 1e-6) * lot.step;
      if (Math.abs(lots(quantity) - Math.round(lots(quantity))) > 1e-6 || quantity < lot.min) return { status: 400, body: LOT_SIZE_FAILURE };
      const quote = quantity * price;
      if (params.get('side') === 'BUY' && quote > state.quoteBalance) return { status: 400, body: { code: -2010, msg: 'Account has insufficient balance for requested action.' } };
      if (params.get('side') === 'BUY') state.quoteBalance -= quote;
      const order: FakeOrder = {
        symbol,
        side: params.get('side') ?? '',
        clientOrderId: id,
        orderId: nextOrderId++,
        status: 'FILLED',
        executedQty: quantity.toFixed(8),
        cummulativeQuoteQty: quote.toFixed(8),
      };
      state.orders.set(id, order);
      return { status: 200, body: order };
    };
    if (fault?.kind === 'hold') {
      // The client gives up first; the exchange executes the request later, if it is still within its window.
      setTimeout(() => {
        const answer = place();
        if (!res.destroyed) sendJson(res, answer.status, answer.body);
      }, fault.ms);
      return;
    }
    const answer = place();
    if (fault?.kind === 'lose-answer') return sendJson(res, 502, { code: -1, msg: 'Bad gateway' });
    sendJson(res, answer.status, answer.body);
  });

  return Object.assign<typeof state, LoopbackServer>(state, server);
}
