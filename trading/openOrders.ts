import { Order, type OrderStatus } from '../db/entities/index.ts';
import { inTransaction, type Orm } from '../db/orm.ts';
import { storedStatusOf } from '../db/services/orders.ts';
import type { Config } from '../lib/config.ts';
import { describeError } from '../lib/errors.ts';
import { exchangeForBot, type Exchanges } from '../lib/exchange/exchangeForBot.ts';

/** Orders that may still fill: UNKNOWN too, since a request without an answer may have reached the exchange. */
export const OPEN_ORDER_STATUSES: OrderStatus[] = ['PENDING', 'NEW', 'PARTIALLY_FILLED', 'UNKNOWN'];

export interface CancelledOrder {
  id: number;
  bot_id: number;
  symbol: string;
  client_order_id: string;
  status: OrderStatus;
}

export interface UncancelledOrder {
  id: number;
  client_order_id: string;
  error: string;
}

/**
 * Cancels every order the Order table says is open, each through its bot's exchange, and stores what the exchange answered;
 * one that fails to cancel is reported, not allowed to stop the others.
 */
export async function cancelOpenOrders(orm: Orm, exchanges: Exchanges, provider: Config['exchange']['provider']): Promise<{ cancelled: CancelledOrder[]; failed: UncancelledOrder[] }> {
  const open = await inTransaction(orm, (em) => em.find(Order, { status: { $in: OPEN_ORDER_STATUSES } }, { populate: ['bot'], orderBy: { id: 'asc' } }));
  const cancelled: CancelledOrder[] = [];
  const failed: UncancelledOrder[] = [];
  for (const order of open) {
    try {
      const answer = await exchangeForBot(order.bot, provider, exchanges).cancelOrder(order.symbol, order.client_order_id);
      // An exchange that has no such order never got it: nothing of it can fill any more.
      const status = answer ? storedStatusOf(answer.status) : 'CANCELED';
      await inTransaction(orm, (em) => em.nativeUpdate(Order, { id: order.id }, { status, updated_at: new Date() }));
      cancelled.push({ id: order.id, bot_id: order.bot.id, symbol: order.symbol, client_order_id: order.client_order_id, status });
    } catch (error) {
      failed.push({ id: order.id, client_order_id: order.client_order_id, error: describeError(error).message });
    }
  }
  return { cancelled, failed };
}
