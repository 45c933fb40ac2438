import type { EntityManager } from '@mikro-orm/core';
import { TelegramUser } from '../entities/index.ts';

export function findTelegramUserByUser(em: EntityManager, user_id: number): Promise<TelegramUser | null> {
  return em.findOne(TelegramUser, { user_id });
}

export function findTelegramUserByChat(em: EntityManager, chat_id: number): Promise<TelegramUser | null> {
  return em.findOne(TelegramUser, { chat_id });
}

async function rowOf(em: EntityManager, user_id: number): Promise<TelegramUser> {
  return (await findTelegramUserByUser(em, user_id)) ?? em.create(TelegramUser, { user_id, chat_id: null, username: null, muted: false, blocked: false, linked_at: null, link_code: null, link_code_expires_at: null, quiet_hours_start: null, quiet_hours_end: null });
}

/**
 * Links a chat to a user (a chat belongs to one user: a previous holder loses it), unblocking it; the user's link code is used up.
 * Flushing may throw UniqueConstraintViolationException when another unit of work linked the same chat meanwhile.
 */
export async function linkTelegramChat(em: EntityManager, user_id: number, chat_id: number, username: string | null, at: Date): Promise<TelegramUser> {
  const previous = await findTelegramUserByChat(em, chat_id);
  if (previous && previous.user_id !== user_id) {
    em.assign(previous, { chat_id: null, linked_at: null });
    await em.flush();
  }
  const row = await rowOf(em, user_id);
  em.assign(row, { chat_id, username, linked_at: at, blocked: false, link_code: null, link_code_expires_at: null });
  return row;
}

/** Gives the user a fresh link code (replacing an older one) for `/start <code>`. */
export async function setLinkCode(em: EntityManager, user_id: number, code: string, expires_at: Date): Promise<TelegramUser> {
  const row = await rowOf(em, user_id);
  em.assign(row, { link_code: code, link_code_expires_at: expires_at });
  return row;
}

/** The user whose unexpired link code this is, or null. */
export function findUserByLinkCode(em: EntityManager, code: string, now: Date): Promise<TelegramUser | null> {
  return em.findOne(TelegramUser, { link_code: code, link_code_expires_at: { $gt: now } });
}

/** The chat blocked the bot (403): it gets nothing more until linked again. */
export async function markChatBlocked(em: EntityManager, chat_id: number): Promise<void> {
  await em.nativeUpdate(TelegramUser, { chat_id }, { blocked: true });
}

export async function setChatMuted(em: EntityManager, chat_id: number, muted: boolean): Promise<void> {
  await em.nativeUpdate(TelegramUser, { chat_id }, { muted });
}
