import type { Exchange, ExchangeOrder } from './exchange.ts';

/** Clocks differ: an order is taken as never placed only this long after its request could last have executed. */
export const CLOCK_SKEW_MARGIN_MS = 1_000;

export type Settlement = { state: 'exists'; order: ExchangeOrder } | { state: 'absent' } | { state: 'undecided'; retryInMs: number };

/**
 * Settles an order whose request got no clear answer, by its client ID. Found: it exists. Not found: Binance executes a
 * request only within `recvWindowMs` of its timestamp, so once that window (from the latest time the request could have
 * been sent) has passed it never will, and the order is absent for good; before that, it is undecided.
 */
export async function settleOrder(
  exchange: Exchange,
  order: { symbol: string; client_order_id: string },
  sentNoLaterThan: number,
  recvWindowMs: number,
  now: () => number = Date.now,
): Promise<Settlement> {
  const found = await exchange.findOrder(order.symbol, order.client_order_id);
  if (found) return { state: 'exists', order: found };
  const decidedAt = sentNoLaterThan + recvWindowMs + CLOCK_SKEW_MARGIN_MS;
  const left = decidedAt - now();
  return left <= 0 ? { state: 'absent' } : { state: 'undecided', retryInMs: left };
}
