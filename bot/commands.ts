import { JobRun } from '../db/entities/index.ts';
import { inTransaction, type Orm } from '../db/orm.ts';
import { recordCommand, type CommandRecord } from '../db/repositories/commandAudits.ts';
import { findJobSchedule, listJobSchedules } from '../db/repositories/jobSchedules.ts';
import { findTelegramUserByChat, findUserByLinkCode, linkTelegramChat, setChatMuted } from '../db/repositories/telegramUsers.ts';
import type { JobScheduler } from '../lib/jobScheduler.ts';
import type { Logger } from '../lib/logger.ts';

/** The part of a Telegram update the bot reads; every other kind of update is logged and ignored. */
export interface TelegramUpdate {
  update_id: number;
  message?: { text?: string; chat?: { id?: number }; from?: { username?: string } };
  [kind: string]: unknown;
}

export interface BotDeps {
  orm: Orm;
  scheduler: JobScheduler;
  logger: Logger;
  /** Sends a reply to the chat. */
  reply(chatId: number, text: string): Promise<void>;
}

const NOT_LINKED = 'This chat is not linked to a Keel user yet. Ask for a link code (POST /users/{user_id}/telegram/link-code) and send /start <code>.';
const HELP = 'Commands: /alerts, /pause <id>, /resume <id>, /status, /mute';

type Outcome = Pick<CommandRecord, 'outcome' | 'detail' | 'user_id'> & { reply: string };

/** Handles one update: a command from a linked chat acts for its user; anything else changes nothing. Every command is audited. */
export async function handleUpdate(deps: BotDeps, update: TelegramUpdate): Promise<void> {
  const message = update.message;
  const chatId = message?.chat?.id;
  if (!message || typeof message.text !== 'string' || typeof chatId !== 'number') {
    deps.logger.info({ update_id: update.update_id, kinds: Object.keys(update).filter((key) => key !== 'update_id') }, 'ignored a Telegram update the bot does not handle');
    return;
  }
  const command = message.text.trim().slice(0, 500);
  const username = message.from?.username?.slice(0, 64) ?? null;
  let outcome: Outcome;
  try {
    outcome = await run(deps, chatId, username, command);
  } catch (error) {
    deps.logger.error({ err: error, chat_id: chatId, command }, 'bot command failed');
    outcome = { outcome: 'error', detail: error instanceof Error ? error.message.slice(0, 1000) : 'failed', user_id: null, reply: 'Sorry, that did not work. Try again in a moment.' };
  }
  await inTransaction(deps.orm, (em) => Promise.resolve(recordCommand(em, { chat_id: chatId, username, command, outcome: outcome.outcome, detail: outcome.detail, user_id: outcome.user_id })));
  await deps.reply(chatId, outcome.reply);
}

async function run(deps: BotDeps, chatId: number, username: string | null, command: string): Promise<Outcome> {
  const [name = '', argument] = command.split(/\s+/, 2);
  if (name === '/start') {
    const linked = argument
      ? await inTransaction(deps.orm, async (em) => {
          const owner = await findUserByLinkCode(em, argument, new Date());
          return owner ? linkTelegramChat(em, owner.user_id, chatId, username, new Date()) : null;
        })
      : null;
    if (!linked) return { outcome: 'refused', detail: 'unknown or expired link code', user_id: null, reply: 'That link code is unknown or has expired. Ask for a new one.' };
    return { outcome: 'ok', detail: null, user_id: linked.user_id, reply: `Linked: this chat now gets the notifications of user ${linked.user_id}. ${HELP}` };
  }
  const chat = await inTransaction(deps.orm, (em) => findTelegramUserByChat(em, chatId));
  if (!chat) return { outcome: 'refused', detail: 'chat not linked', user_id: null, reply: NOT_LINKED };
  const user_id = chat.user_id;
  const ok = (reply: string): Outcome => ({ outcome: 'ok', detail: null, user_id, reply });
  const refused = (detail: string, reply: string): Outcome => ({ outcome: 'refused', detail, user_id, reply });

  switch (name) {
    case '/alerts': {
      const page = await inTransaction(deps.orm, (em) => listJobSchedules(em, { user_id, limit: 20 }));
      if (page.items.length === 0) return ok('You have no jobs.');
      return ok(page.items.map((job) => `#${job.id} ${job.name} (${job.job_type} ${job.target}, ${job.enabled ? 'active' : 'paused'})`).join('\n'));
    }
    case '/pause':
    case '/resume': {
      const id = Number(argument);
      if (!argument || !/^\d{1,9}$/.test(argument)) return refused('bad job id', `Usage: ${name} <job id> (see /alerts)`);
      const job = await inTransaction(deps.orm, (em) => findJobSchedule(em, id));
      if (!job || job.user_id !== user_id) return refused(`job ${id} is not one of the user's`, `You have no job #${id}.`);
      const note = `${name === '/pause' ? 'paused' : 'resumed'} from Telegram${username ? ` by @${username}` : ''}`;
      await (name === '/pause' ? deps.scheduler.pause(id, note) : deps.scheduler.resume(id, note));
      return ok(`Job #${id} ${job.name} is ${name === '/pause' ? 'paused' : 'active again'}.`);
    }
    case '/status': {
      const runs = await inTransaction(deps.orm, (em) => em.find(JobRun, { user_id }, { orderBy: { run_id: 'desc' }, limit: 5 }));
      if (runs.length === 0) return ok('No runs yet.');
      return ok(runs.map((r) => `#${r.job_id} ${r.job_type} ${r.status} ${(r.finished_at ?? r.started_at ?? r.enqueued_at).toISOString()}`).join('\n'));
    }
    case '/mute': {
      await inTransaction(deps.orm, (em) => setChatMuted(em, chatId, !chat.muted));
      return ok(chat.muted ? 'Notifications are on again.' : 'Muted: no notifications until you send /mute again.');
    }
    default:
      return refused('unknown command', `Unknown command. ${HELP}`);
  }
}
