import { KeelError } from '../errors.ts';

export type OrderSide = 'BUY' | 'SELL';

/** A market order, sized either in the base asset (`quantity`) or in quote currency to spend (`quote_quantity`); decimal strings. */
export interface MarketOrderRequest {
  symbol: string;
  side: OrderSide;
  quantity?: string;
  quote_quantity?: string;
  /** The caller's idempotency key at the exchange: the same ID never makes a second order. */
  client_order_id: string;
}

export type ExchangeOrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'PENDING_CANCEL' | 'REJECTED' | 'EXPIRED' | 'EXPIRED_IN_MATCH';

/** An order as the exchange knows it; amounts are decimal strings, exactly as the exchange sent them. */
export interface ExchangeOrder {
  symbol: string;
  side: OrderSide;
  client_order_id: string;
  exchange_order_id: string;
  status: ExchangeOrderStatus;
  executed_quantity: string;
  /** Quote currency spent (BUY) or received (SELL). */
  executed_quote_quantity: string;
}

/** The quantities a symbol's orders may have (Binance's LOT_SIZE filter): a multiple of `step`, at least `min`; decimal strings. */
export interface LotSize {
  step: string;
  min: string;
}

/** Where orders go: the paper exchange for dry runs, a Binance-format REST API otherwise. */
export interface Exchange {
  readonly name: string;
  /** The symbol's lot size, or null where any quantity goes (the paper exchange). */
  lotSize(symbol: string): Promise<LotSize | null>;
  placeMarketOrder(request: MarketOrderRequest): Promise<ExchangeOrder>;
  /** The order with this client ID, or null when the exchange has none. */
  findOrder(symbol: string, clientOrderId: string): Promise<ExchangeOrder | null>;
  /** Cancels an open order; one that is already closed or unknown is returned as it is (null when unknown). */
  cancelOrder(symbol: string, clientOrderId: string): Promise<ExchangeOrder | null>;
}

/**
 * The order request may or may not have been executed (a timeout, a 5xx, Binance's -1001): nothing may happen until the
 * order is looked up by its client ID. Retryable: the retry looks it up first.
 */
export class OrderOutcomeUnknown extends KeelError {
  readonly clientOrderId: string;

  constructor(message: string, clientOrderId: string, cause?: unknown) {
    super(message, { category: 'network', type: 'OrderOutcomeUnknown', retryable: true, cause });
    this.clientOrderId = clientOrderId;
  }
}
