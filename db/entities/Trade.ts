import { defineEntity, p } from '@mikro-orm/core';
import { BotInstanceSchema } from './BotInstance.ts';
import { DecimalText } from './DecimalText.ts';
import { ORDER_SIDES, type OrderSide } from './tradingEnums.ts';

/** FAILED: a compensation marked the fill as undone; it no longer counts in positions or performance. */
export const TRADE_STATUSES = ['FILLED', 'FAILED'] as const;
export type TradeStatus = (typeof TRADE_STATUSES)[number];

/** One fill of an order. */
export const TradeSchema = defineEntity({
  name: 'Trade',
  tableName: 'trades',
  indexes: [{ properties: ['bot', 'id'] }, { properties: ['bot', 'executed_at'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    bot: p.manyToOne(BotInstanceSchema),
    symbol: p.string().length(32),
    side: p.enum(() => ORDER_SIDES).$type<OrderSide>(),
    quantity: p.type(DecimalText),
    price: p.type(DecimalText),
    /** In quote currency. */
    fee: p.type(DecimalText).default('0'),
    /** What a sell realised against the position's average entry price, net of the fee; null for a buy. */
    realized_pnl: p.type(DecimalText).nullable(),
    status: p.enum(() => TRADE_STATUSES).$type<TradeStatus>().default('FILLED'),
    client_order_id: p.string().length(36).unique(),
    exchange_order_id: p.string().length(64).nullable(),
    run_id: p.integer().nullable(),
    executed_at: p.datetime(),
  },
});

export class Trade extends TradeSchema.class {}
TradeSchema.setClass(Trade);
