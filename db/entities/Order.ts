import { defineEntity, p } from '@mikro-orm/core';
import { BotInstanceSchema } from './BotInstance.ts';
import { DecimalText } from './DecimalText.ts';
import { ORDER_SIDES, ORDER_STATUSES, ORDER_TYPES, type OrderSide, type OrderStatus, type OrderType } from './tradingEnums.ts';

/** An order sent (or about to be sent) to the exchange; its client order ID is unique, so a retry finds it instead of placing another. */
export const OrderSchema = defineEntity({
  name: 'Order',
  tableName: 'orders',
  indexes: [{ properties: ['bot', 'id'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    bot: p.manyToOne(BotInstanceSchema),
    symbol: p.string().length(32),
    side: p.enum(() => ORDER_SIDES).$type<OrderSide>(),
    type: p.enum(() => ORDER_TYPES).$type<OrderType>(),
    quantity: p.type(DecimalText),
    /** The limit price, or the fill price of a market order once known. */
    price: p.type(DecimalText).nullable(),
    status: p.enum(() => ORDER_STATUSES).$type<OrderStatus>(),
    /** Binance allows 36 characters of [.A-Za-z0-9:/_-]. */
    client_order_id: p.string().length(36).unique(),
    exchange_order_id: p.string().length(64).nullable(),
    run_id: p.integer().nullable(),
    workflow_id: p.string().length(255).nullable(),
    created_at: p.datetime().onCreate(() => new Date()),
    updated_at: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

export class Order extends OrderSchema.class {}
OrderSchema.setClass(Order);
