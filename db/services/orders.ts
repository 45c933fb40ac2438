import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { compare, divide } from '../../lib/decimal.ts';
import type { ExchangeOrder, ExchangeOrderStatus, OrderSide } from '../../lib/exchange/exchange.ts';
import { Order, type OrderStatus } from '../entities/index.ts';
import { inTransaction, type Orm } from '../orm.ts';

// The orders table is Keel's own record of every order it sends: written before the request leaves, so an order the
// exchange may hold is never missing from it, and brought up to date with each answer (the kill switch cancels from it).

export interface OrderToSend {
  bot_id: number;
  symbol: string;
  side: OrderSide;
  /** The base quantity asked for; '0' for an order sized in quote currency until its fill says how much. */
  quantity: string;
  client_order_id: string;
  workflow_id: string | null;
}

/** The exchange's statuses that the Order table does not spell: a cancel in progress or an expiry in matching. */
export function storedStatusOf(status: ExchangeOrderStatus): OrderStatus {
  if (status === 'PENDING_CANCEL') return 'CANCELED';
  if (status === 'EXPIRED_IN_MATCH') return 'EXPIRED';
  return status;
}

/** Records an order about to be sent, PENDING; one already recorded (a retried placement) is left as it is. */
export async function recordOrderSent(orm: Orm, order: OrderToSend): Promise<void> {
  try {
    await inTransaction(orm, async (em) => {
      if (await em.count(Order, { client_order_id: order.client_order_id })) return;
      em.create(Order, { bot: order.bot_id, symbol: order.symbol, side: order.side, type: 'MARKET', quantity: order.quantity, status: 'PENDING', client_order_id: order.client_order_id, workflow_id: order.workflow_id });
    });
  } catch (error) {
    // A twin placement recorded it first: the row exists, which is all this asks.
    if (!(error instanceof UniqueConstraintViolationException)) throw error;
  }
}

/** Stores what the exchange answered: its status, its ID, and for a fill the quantity and average price. */
export function recordOrderAnswer(orm: Orm, answer: ExchangeOrder): Promise<void> {
  return inTransaction(orm, async (em) => {
    const filled = compare(answer.executed_quantity, '0') > 0;
    await em.nativeUpdate(
      Order,
      { client_order_id: answer.client_order_id },
      {
        status: storedStatusOf(answer.status),
        exchange_order_id: answer.exchange_order_id,
        ...(filled ? { quantity: answer.executed_quantity, price: divide(answer.executed_quote_quantity, answer.executed_quantity) } : {}),
        updated_at: new Date(),
      },
    );
  });
}

/** Sets the status of an order whose answer says no more than that: UNKNOWN (no answer), REJECTED, or EXPIRED (settled absent). */
export function recordOrderStatus(orm: Orm, clientOrderId: string, status: Extract<OrderStatus, 'UNKNOWN' | 'REJECTED' | 'EXPIRED'>): Promise<void> {
  return inTransaction(orm, async (em) => void (await em.nativeUpdate(Order, { client_order_id: clientOrderId }, { status, updated_at: new Date() })));
}
