import { defineEntity, p } from '@mikro-orm/core';
import { DecimalText } from './DecimalText.ts';

export const BOT_STATUSES = ['running', 'paused', 'stopped'] as const;
export type BotStatus = (typeof BOT_STATUSES)[number];

/** One trading bot of a user: its strategy, the symbols it trades, its budget and the limits its risk check enforces. */
export const BotInstanceSchema = defineEntity({
  name: 'BotInstance',
  tableName: 'bot_instances',
  indexes: [{ properties: ['user_id', 'id'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    user_id: p.integer(),
    name: p.string().length(200),
    strategy: p.string().length(64),
    symbols: p.json<string[]>(),
    status: p.enum(() => BOT_STATUSES).$type<BotStatus>().default('running'),
    budget: p.type(DecimalText),
    /** The part of the budget held by reservations not yet released or consumed. */
    reserved: p.type(DecimalText).default('0'),
    max_open_positions: p.integer(),
    max_notional: p.type(DecimalText),
    daily_loss_limit: p.type(DecimalText),
    /** Paper trading unless the bot was created with dry_run false. */
    dry_run: p.boolean().default(true),
    created_at: p.datetime().onCreate(() => new Date()),
    updated_at: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

export class BotInstance extends BotInstanceSchema.class {}
BotInstanceSchema.setClass(BotInstance);
