import { defineEntity, p } from '@mikro-orm/core';
import { DecimalText } from './DecimalText.ts';
import { ORDER_SIDES, type OrderSide } from './tradingEnums.ts';

export const PAPER_ORDER_STATUSES = ['FILLED', 'CANCELED'] as const;
export type PaperOrderStatus = (typeof PAPER_ORDER_STATUSES)[number];

/** The paper exchange's own book: what it filled, keyed by client order ID, so a lookup after a worker crash finds it. */
export const PaperOrderSchema = defineEntity({
  name: 'PaperOrder',
  tableName: 'paper_orders',
  properties: {
    id: p.integer().primary().autoincrement(),
    client_order_id: p.string().length(36).unique(),
    symbol: p.string().length(32),
    side: p.enum(() => ORDER_SIDES).$type<OrderSide>(),
    status: p.enum(() => PAPER_ORDER_STATUSES).$type<PaperOrderStatus>(),
    executed_quantity: p.type(DecimalText),
    executed_quote_quantity: p.type(DecimalText),
    /** The market-data price the order filled at. */
    price: p.type(DecimalText),
    created_at: p.datetime().onCreate(() => new Date()),
  },
});

export class PaperOrder extends PaperOrderSchema.class {}
PaperOrderSchema.setClass(PaperOrder);
