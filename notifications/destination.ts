import type { EntityManager } from '@mikro-orm/core';
import type { NotificationChannel } from '../db/entities/index.ts';
import { userSettings } from '../db/repositories/settings.ts';
import { findTelegramUserByUser } from '../db/repositories/telegramUsers.ts';
import type { Config } from '../lib/config.ts';
import { afterQuietHours } from './backoff.ts';

/** Per-user settings the outbox reads: a user's own channel and webhook URL win over the configured ones. */
export const CHANNEL_SETTING = 'notify_channel';
export const WEBHOOK_URL_SETTING = 'webhook_url';

export interface Destination {
  channel: NotificationChannel;
  recipient: string;
  /** Not before this (quiet hours). */
  notBefore: Date;
  /** Why it can never be delivered, when it cannot (no linked chat, blocked, muted): the row is written failed. */
  undeliverable?: string;
}

/** Where a user's notification goes: their channel (setting, else NOTIFY_CHANNEL) and its address. */
export async function destinationOf(em: EntityManager, notify: Config['notify'], user_id: number, now: Date): Promise<Destination> {
  const settings = await userSettings(em, user_id);
  const chosen = settings[CHANNEL_SETTING];
  const channel: NotificationChannel = chosen === 'log' || chosen === 'webhook' || chosen === 'telegram' ? chosen : notify.channel;
  if (channel === 'log') return { channel, recipient: 'log', notBefore: now };
  if (channel === 'webhook') {
    const url = settings[WEBHOOK_URL_SETTING] || notify.webhook_url;
    return url ? { channel, recipient: url, notBefore: now } : { channel, recipient: '', notBefore: now, undeliverable: `user ${user_id} has no webhook URL` };
  }
  const chat = await findTelegramUserByUser(em, user_id);
  if (!chat?.chat_id) return { channel, recipient: '', notBefore: now, undeliverable: `user ${user_id} has not linked a Telegram chat` };
  const recipient = String(chat.chat_id);
  if (chat.blocked) return { channel, recipient, notBefore: now, undeliverable: 'the chat blocked the bot' };
  if (chat.muted) return { channel, recipient, notBefore: now, undeliverable: 'the user muted notifications' };
  if (!notify.telegram_bot_token) return { channel, recipient, notBefore: now, undeliverable: 'no TELEGRAM_BOT_TOKEN is configured' };
  return { channel, recipient, notBefore: afterQuietHours(now, chat.quiet_hours_start ?? null, chat.quiet_hours_end ?? null) };
}
