import { createHmac } from 'node:crypto';
import { ApiError, businessError, KeelError } from '../errors.ts';
import { requestJson } from '../http.ts';
import { canonicalDecimal, isDecimalText } from '../decimal.ts';
import { OrderOutcomeUnknown, type Exchange, type ExchangeOrder, type LotSize, type MarketOrderRequest } from './exchange.ts';

const REJECTED = -2010;
const NO_SUCH_ORDER = -2013;
const CANCEL_REJECTED = -2011;
const UNKNOWN_ERROR = -1001;
const DUPLICATE_ORDER = 'Duplicate order sent.';
/** Lot sizes change rarely (Binance announces them): read once an hour per symbol. */
const LOT_SIZE_TTL_MS = 60 * 60 * 1000;

export interface BinanceExchangeOptions {
  baseUrl: string;
  apiKey: string;
  /** Signs every request (HMAC-SHA256); never sent, never logged. */
  apiSecret: string;
  timeoutMs: number;
  /** How long after its timestamp Binance may still execute a request: past it, an order not found was never placed. */
  recvWindowMs: number;
  now?: () => number;
}

/** The query string of a signed Binance request: the parameters, recvWindow and timestamp, then their HMAC-SHA256. */
export function signedQuery(params: Record<string, string>, secret: string, timestamp: number, recvWindowMs: number): string {
  const query = new URLSearchParams({ ...params, recvWindow: String(recvWindowMs), timestamp: String(timestamp) }).toString();
  return `${query}&signature=${createHmac('sha256', secret).update(query).digest('hex')}`;
}

/**
 * Spot orders through a Binance-format REST API: `POST /api/v3/order` (with `newClientOrderId`), `GET /api/v3/order?origClientOrderId=`,
 * `DELETE /api/v3/order`. A `-2010` rejection is a business failure; a timeout, a 5xx or `-1001` on an order leaves its fate
 * unknown (OrderOutcomeUnknown): the caller must look the order up by its client ID before anything else.
 */
export function createBinanceExchange(options: BinanceExchangeOptions): Exchange {
  const base = options.baseUrl.replace(/\/+$/, '');
  const now = options.now ?? Date.now;

  async function signed(method: 'GET' | 'POST' | 'DELETE', params: Record<string, string>): Promise<unknown> {
    const url = `${base}/api/v3/order?${signedQuery(params, options.apiSecret, now(), options.recvWindowMs)}`;
    const { body } = await requestJson(url, { method, headers: { 'X-MBX-APIKEY': options.apiKey }, timeoutMs: options.timeoutMs });
    return body;
  }

  const lotSizes = new Map<string, { lot: LotSize; readAt: number }>();

  /** LOT_SIZE from the public `GET /api/v3/exchangeInfo?symbol=`. */
  async function lotSize(symbol: string): Promise<LotSize> {
    const cached = lotSizes.get(symbol);
    if (cached && now() - cached.readAt < LOT_SIZE_TTL_MS) return cached.lot;
    let body: unknown;
    try {
      ({ body } = await requestJson(`${base}/api/v3/exchangeInfo?${new URLSearchParams({ symbol }).toString()}`, { timeoutMs: options.timeoutMs }));
    } catch (error) {
      if (error instanceof ApiError && error.status < 500) throw businessError('UnknownSymbol', `exchange: no symbol ${symbol}: ${binanceError(error).msg ?? error.status}`, error);
      throw error;
    }
    const lot = lotSizeOf(body, symbol);
    lotSizes.set(symbol, { lot, readAt: now() });
    return lot;
  }

  async function findOrder(symbol: string, clientOrderId: string): Promise<ExchangeOrder | null> {
    try {
      return orderOf(await signed('GET', { symbol, origClientOrderId: clientOrderId }));
    } catch (error) {
      if (binanceCode(error) === NO_SUCH_ORDER) return null;
      throw error;
    }
  }

  return {
    name: 'binance',
    lotSize,
    findOrder,

    async placeMarketOrder(request: MarketOrderRequest): Promise<ExchangeOrder> {
      const size: Record<string, string> = request.quantity !== undefined ? { quantity: request.quantity } : { quoteOrderQty: request.quote_quantity! };
      try {
        const body = await signed('POST', { symbol: request.symbol, side: request.side, type: 'MARKET', ...size, newClientOrderId: request.client_order_id, newOrderRespType: 'RESULT' });
        return orderOf(body);
      } catch (error) {
        const { code, msg } = binanceError(error);
        // The same client ID was placed before (a retry after a lost answer): that order is this one.
        if (code === REJECTED && msg === DUPLICATE_ORDER) {
          const existing = await findOrder(request.symbol, request.client_order_id);
          if (existing) return existing;
        }
        if (code === REJECTED) throw businessError('OrderRejected', `order ${request.client_order_id} rejected: ${msg ?? 'rejected'}`, error);
        if (error instanceof ApiError && error.status < 500 && code !== UNKNOWN_ERROR) {
          throw businessError('OrderRejected', `order ${request.client_order_id}: ${error.status} ${msg ?? JSON.stringify(error.body)}`, error);
        }
        throw new OrderOutcomeUnknown(`order ${request.client_order_id}: no clear answer (${error instanceof Error ? error.message : String(error)})`, request.client_order_id, error);
      }
    },

    async cancelOrder(symbol: string, clientOrderId: string): Promise<ExchangeOrder | null> {
      try {
        return orderOf(await signed('DELETE', { symbol, origClientOrderId: clientOrderId }));
      } catch (error) {
        // Already filled, cancelled or never placed: the order as it stands is the answer.
        if (binanceCode(error) === CANCEL_REJECTED) return findOrder(symbol, clientOrderId);
        throw error;
      }
    },
  };
}

interface BinanceErrorBody {
  code?: number;
  msg?: string;
}

function binanceError(error: unknown): BinanceErrorBody {
  if (!(error instanceof ApiError) || typeof error.body !== 'object' || error.body === null) return {};
  return error.body;
}

function binanceCode(error: unknown): number | undefined {
  return binanceError(error).code;
}

function lotSizeOf(body: unknown, symbol: string): LotSize {
  const symbols = (body as { symbols?: { symbol?: string; filters?: Record<string, unknown>[] }[] } | undefined)?.symbols;
  const filter = symbols?.find((entry) => entry.symbol === symbol)?.filters?.find((entry) => entry.filterType === 'LOT_SIZE');
  const [step, min] = [filter?.stepSize, filter?.minQty];
  if (typeof step !== 'string' || typeof min !== 'string' || !isDecimalText(step) || !isDecimalText(min)) {
    throw new KeelError(`exchange: no LOT_SIZE filter for ${symbol} in exchangeInfo: ${String(JSON.stringify(body)).slice(0, 200)}`, { category: 'api', type: 'MalformedResponse', retryable: true });
  }
  return { step: canonicalDecimal(step), min: canonicalDecimal(min) };
}

function orderOf(body: unknown): ExchangeOrder {
  const order = body as Record<string, unknown> | undefined;
  const text = (key: string) => (typeof order?.[key] === 'string' || typeof order?.[key] === 'number' ? String(order[key]) : undefined);
  const clientOrderId = text('clientOrderId') ?? text('origClientOrderId');
  const fields = { symbol: text('symbol'), side: text('side'), orderId: text('orderId'), status: text('status'), executedQty: text('executedQty'), cummulativeQuoteQty: text('cummulativeQuoteQty') };
  if (!clientOrderId || Object.values(fields).some((value) => value === undefined)) {
    throw new KeelError(`exchange: not a Binance order: ${String(JSON.stringify(body)).slice(0, 200)}`, { category: 'api', type: 'MalformedResponse', retryable: true });
  }
  return {
    symbol: fields.symbol!,
    side: fields.side as ExchangeOrder['side'],
    client_order_id: clientOrderId,
    exchange_order_id: fields.orderId!,
    status: fields.status as ExchangeOrder['status'],
    executed_quantity: fields.executedQty!,
    executed_quote_quantity: fields.cummulativeQuoteQty!,
  };
}
