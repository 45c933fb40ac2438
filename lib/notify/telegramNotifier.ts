import { ApiError, businessError, networkError } from '../errors.ts';
import type { CircuitBreakers } from '../resilience.ts';
import { RecipientBlockedError, RetryLaterError, type Delivery, type Notification, type Notifier } from './notifier.ts';

export interface TelegramOptions {
  /** TELEGRAM_API_BASE_URL: requests go to `<base>/bot<token>/<method>`. */
  baseUrl: string;
  token: string;
  chatId: number;
  timeoutMs: number;
  breakers: CircuitBreakers;
}

/** Telegram's photo captions stop here; the rest of the text is cut. */
const CAPTION_LIMIT = 1024;
const MESSAGE_LIMIT = 4096;

/** What the Bot API answers: `ok`, or an error code with a description and, on 429, `parameters.retry_after` (seconds). */
interface BotApiAnswer {
  ok?: boolean;
  description?: string;
  parameters?: { retry_after?: number };
}

/**
 * Calls one Bot API method; the token is in the URL only, never in an error or a log line.
 * 429 waits `retry_after`, 403 (the chat blocked the bot) is final, other 4xx are refused payloads, 5xx and network errors transient.
 */
export async function callBotApi(options: Pick<TelegramOptions, 'baseUrl' | 'token' | 'timeoutMs'>, method: string, body: FormData | Record<string, unknown>, signal?: AbortSignal): Promise<unknown> {
  const url = `${options.baseUrl.replace(/\/$/, '')}/bot${options.token}/${method}`;
  const isForm = body instanceof FormData;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: isForm ? {} : { 'content-type': 'application/json' },
      body: isForm ? body : JSON.stringify(body),
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]) : AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? `timed out after ${options.timeoutMs} ms` : 'no answer';
    // The cause is left out on purpose: fetch's errors may quote the URL, and with it the token.
    throw networkError(`telegram ${method}: ${reason}`);
  }
  const answer = (await response.json().catch(() => ({}))) as BotApiAnswer & { result?: unknown };
  if (response.ok && answer.ok !== false) return answer.result;
  const description = typeof answer.description === 'string' ? answer.description.slice(0, 200) : '';
  const message = `telegram ${method} answered ${response.status}${description ? `: ${description}` : ''}`;
  if (response.status === 429) return Promise.reject(new RetryLaterError(message, Math.max(1, answer.parameters?.retry_after ?? 1) * 1000));
  if (response.status === 403) return Promise.reject(new RecipientBlockedError(message));
  const error = new ApiError(message, response.status, undefined);
  return Promise.reject(error.retryable ? error : businessError('NotificationRejected', message));
}

/** Delivers to one Telegram chat: sendMessage, or sendPhoto (multipart, the text as caption) when there is an image. */
export function createTelegramNotifier(options: TelegramOptions): Notifier {
  return {
    channel: 'telegram',
    async send(notification: Notification): Promise<Delivery> {
      const text = `${notification.title}\n${notification.text}`;
      await options.breakers.execute(`telegram:${options.chatId}`, async () => {
        if (notification.image_png_base64) {
          const form = new FormData();
          form.set('chat_id', String(options.chatId));
          form.set('caption', text.slice(0, CAPTION_LIMIT));
          form.set('photo', new Blob([Buffer.from(notification.image_png_base64, 'base64')], { type: 'image/png' }), 'chart.png');
          await callBotApi(options, 'sendPhoto', form);
        } else {
          await callBotApi(options, 'sendMessage', { chat_id: options.chatId, text: text.slice(0, MESSAGE_LIMIT) });
        }
      });
      return { channel: 'telegram', delivered: true };
    },
  };
}
