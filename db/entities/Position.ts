import { defineEntity, p } from '@mikro-orm/core';
import { BotInstanceSchema } from './BotInstance.ts';
import { DecimalText } from './DecimalText.ts';

export const POSITION_STATUSES = ['open', 'closed'] as const;
export type PositionStatus = (typeof POSITION_STATUSES)[number];

/** What a bot holds of one symbol: at most one open position per bot and symbol. */
export const PositionSchema = defineEntity({
  name: 'Position',
  tableName: 'positions',
  indexes: [{ properties: ['bot', 'status', 'symbol'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    bot: p.manyToOne(BotInstanceSchema),
    symbol: p.string().length(32),
    quantity: p.type(DecimalText),
    avg_entry_price: p.type(DecimalText),
    status: p.enum(() => POSITION_STATUSES).$type<PositionStatus>().default('open'),
    opened_at: p.datetime(),
    closed_at: p.datetime().nullable(),
    stop_loss: p.type(DecimalText).nullable(),
    take_profit: p.type(DecimalText).nullable(),
    /** The last mark to market (position_monitor): the price, the pnl a sale at it would realise before fees, and when. */
    last_price: p.type(DecimalText).nullable(),
    unrealized_pnl: p.type(DecimalText).nullable(),
    marked_at: p.datetime().nullable(),
  },
});

export class Position extends PositionSchema.class {}
PositionSchema.setClass(Position);
