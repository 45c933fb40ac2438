import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../lib/config.ts';
import type { Logger } from '../lib/logger.ts';
import { callBotApi } from '../lib/notify/telegramNotifier.ts';
import { handleUpdate, type BotDeps, type TelegramUpdate } from './commands.ts';

/** Seconds Telegram holds a getUpdates open when nothing comes (long polling). */
const LONG_POLL_SECONDS = 25;

export interface BotPoller {
  stop(): Promise<void>;
}

/**
 * Long polling: getUpdates from the offset after the last update handled, one update at a time. An update whose
 * handling crashed the process comes again (Telegram forgets it only when a later offset is asked), so commands are safe to repeat.
 */
export function startBotPoller(notify: Config['notify'], deps: Omit<BotDeps, 'reply'>, logger: Logger): BotPoller {
  const api = { baseUrl: notify.telegram_api_base_url, token: notify.telegram_bot_token };
  const stopping = new AbortController();
  const reply = async (chatId: number, text: string) => {
    await callBotApi({ ...api, timeoutMs: notify.timeout_ms }, 'sendMessage', { chat_id: chatId, text }).catch((error: unknown) => logger.warn({ err: error, chat_id: chatId }, 'could not reply'));
  };
  const loop = (async () => {
    let offset = 0;
    while (!stopping.signal.aborted) {
      try {
        const updates = (await callBotApi({ ...api, timeoutMs: (LONG_POLL_SECONDS + 10) * 1000 }, 'getUpdates', { offset, timeout: LONG_POLL_SECONDS }, stopping.signal)) as TelegramUpdate[];
        for (const update of updates) {
          await handleUpdate({ ...deps, reply }, update);
          offset = Math.max(offset, update.update_id + 1);
        }
      } catch (error) {
        if (stopping.signal.aborted) break;
        logger.warn({ err: error }, 'getUpdates failed; polling again shortly');
        await sleep(2_000, undefined, { signal: stopping.signal }).catch(() => undefined);
      }
    }
  })();
  return {
    async stop() {
      stopping.abort();
      await loop;
    },
  };
}
