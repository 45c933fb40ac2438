import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { PaperOrder } from '../../db/entities/index.ts';
import type { Orm } from '../../db/orm.ts';
import { canonicalDecimal, compare, divide, isDecimalText, multiply } from '../decimal.ts';
import { businessError, networkError } from '../errors.ts';
import type { MarketDataProvider } from '../marketData/index.ts';
import type { Exchange, ExchangeOrder, MarketOrderRequest } from './exchange.ts';

/** A market-data price (a float from the provider) as an exact decimal string with the amounts' ten decimals. */
export function priceText(price: number): string {
  if (!Number.isFinite(price) || price <= 0) throw businessError('NoPrice', `no usable market price (${price})`);
  return canonicalDecimal(price.toFixed(10));
}

const orderOf = (row: PaperOrder): ExchangeOrder => ({
  symbol: row.symbol,
  side: row.side,
  client_order_id: row.client_order_id,
  exchange_order_id: `paper-${row.id}`,
  status: row.status,
  executed_quantity: row.executed_quantity,
  executed_quote_quantity: row.executed_quote_quantity,
});

/**
 * Dry-run trading: a market order fills at once, in full, at the market-data price, and is kept in `paper_orders` by its
 * client order ID, so a retried, replayed or restarted step finds the order it placed (the same ID never fills twice).
 * A filled market order cannot be cancelled: cancelling returns it as it stands, like Binance does.
 */
export function createPaperExchange(orm: Orm, marketData: MarketDataProvider): Exchange {
  async function findOrder(_symbol: string, clientOrderId: string): Promise<ExchangeOrder | null> {
    const row = await orm.em.fork().findOne(PaperOrder, { client_order_id: clientOrderId });
    return row ? orderOf(row) : null;
  }

  return {
    name: 'paper',
    // Paper fills any quantity: it has no lot rules to keep.
    lotSize: () => Promise.resolve(null),
    findOrder,
    cancelOrder: findOrder,

    async placeMarketOrder(request: MarketOrderRequest): Promise<ExchangeOrder> {
      const existing = await findOrder(request.symbol, request.client_order_id);
      if (existing) return existing;
      const size = request.quantity ?? request.quote_quantity;
      if ((request.quantity === undefined) === (request.quote_quantity === undefined) || !size || !isDecimalText(size) || compare(size, '0') <= 0) {
        throw businessError('OrderRejected', `order ${request.client_order_id}: give exactly one of quantity and quote_quantity, a positive decimal`);
      }
      const quote = await marketData.getPrice(request.symbol);
      // A last-known price is fine for an alert, not for a fill: wait (retry) for a live one.
      if (quote.stale) throw networkError(`order ${request.client_order_id}: only a stale price of ${request.symbol} (from ${quote.at})`);
      const price = priceText(quote.price);
      const quantity = request.quantity !== undefined ? canonicalDecimal(request.quantity) : divide(request.quote_quantity!, price);
      const quoteQuantity = request.quantity !== undefined ? multiply(request.quantity, price) : canonicalDecimal(request.quote_quantity!);
      if (compare(quantity, '0') <= 0) throw businessError('OrderRejected', `order ${request.client_order_id}: ${size} buys nothing at ${price}`);
      const em = orm.em.fork();
      const row = em.create(PaperOrder, {
        client_order_id: request.client_order_id,
        symbol: request.symbol,
        side: request.side,
        status: 'FILLED',
        executed_quantity: quantity,
        executed_quote_quantity: quoteQuantity,
        price,
      });
      try {
        await em.flush();
        return orderOf(row);
      } catch (error) {
        // A concurrent request with the same client ID filled first: that order is this one.
        if (!(error instanceof UniqueConstraintViolationException)) throw error;
        const winner = await findOrder(request.symbol, request.client_order_id);
        if (!winner) throw error;
        return winner;
      }
    },
  };
}
