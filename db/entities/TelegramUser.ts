import { defineEntity, p } from '@mikro-orm/core';

/** A Keel user's Telegram chat: where the telegram channel delivers and whom the bot answers. */
export const TelegramUserSchema = defineEntity({
  name: 'TelegramUser',
  tableName: 'telegram_users',
  properties: {
    id: p.integer().primary().autoincrement(),
    user_id: p.integer().unique(),
    /** Null until a chat is linked (a link code may exist before). */
    chat_id: p.bigint('number').nullable().unique(),
    username: p.string().length(64).nullable(),
    muted: p.boolean().default(false),
    /** Hours (0-23, UTC) between which nothing is delivered: start inclusive, end exclusive; may wrap midnight. */
    quiet_hours_start: p.integer().nullable(),
    quiet_hours_end: p.integer().nullable(),
    linked_at: p.datetime().nullable(),
    /** The chat blocked the bot (Telegram answered 403): nothing more is sent until it is linked again. */
    blocked: p.boolean().default(false),
    link_code: p.string().length(64).nullable().unique(),
    link_code_expires_at: p.datetime().nullable(),
  },
});

export class TelegramUser extends TelegramUserSchema.class {}
TelegramUserSchema.setClass(TelegramUser);
