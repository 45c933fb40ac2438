import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import type { TelegramUser } from '../../db/entities/index.ts';
import { inTransaction, type Orm } from '../../db/orm.ts';
import { linkTelegramChat, setLinkCode } from '../../db/repositories/telegramUsers.ts';
import type { Config } from '../../lib/config.ts';
import { idText, jsonBody, pathParamsOf, text } from '../validation.ts';

/** Telegram chat IDs are integers (negative for groups), within JavaScript's exact range. */
const chatId = z
  .number({ error: 'must be an integer Telegram chat ID' })
  .int('must be an integer Telegram chat ID')
  .refine((value) => Number.isSafeInteger(value) && value !== 0, 'must be a non-zero integer Telegram chat ID');

const linkBody = z.strictObject({ chat_id: chatId, username: text().max(64).optional() });

export function telegramLinkView(row: TelegramUser) {
  return { user_id: row.user_id, chat_id: row.chat_id ?? null, username: row.username ?? null, muted: row.muted, blocked: row.blocked, linked_at: row.linked_at?.toISOString() ?? null };
}

/** PUT /users/{user_id}/telegram (an admin links a chat) and POST /users/{user_id}/telegram/link-code (the user links it with `/start <code>`). */
export function telegramLinkRoutes({ orm, config }: { orm: Orm; config: Config }) {
  return new Hono()
    .put('/:user_id/telegram', async (c) => {
      const { user_id } = pathParamsOf(c, z.object({ user_id: idText }));
      const body = await jsonBody(c, linkBody);
      const row = await inTransaction(orm, (em) => linkTelegramChat(em, user_id, body.chat_id, body.username ?? null, new Date()));
      return c.json(telegramLinkView(row));
    })
    .post('/:user_id/telegram/link-code', async (c) => {
      const { user_id } = pathParamsOf(c, z.object({ user_id: idText }));
      // 64 bits from a CSPRNG, in the characters Telegram's /start payload allows.
      const code = randomBytes(8).toString('hex');
      const expires_at = new Date(Date.now() + config.notify.link_code_ttl_ms);
      await inTransaction(orm, (em) => setLinkCode(em, user_id, code, expires_at));
      return c.json({ user_id, code, start_command: `/start ${code}`, expires_at: expires_at.toISOString() }, 201);
    });
}
