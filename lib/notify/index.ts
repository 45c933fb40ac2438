import { createHash } from 'node:crypto';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { CircuitBreakers } from '../resilience.ts';
import { createLogNotifier } from './logNotifier.ts';
import type { Notifier } from './notifier.ts';
import { createTelegramNotifier } from './telegramNotifier.ts';
import { createWebhookNotifier } from './webhookNotifier.ts';

export type { Delivery, Notification, Notifier } from './notifier.ts';
export { RecipientBlockedError, RetryLaterError } from './notifier.ts';

export type ChannelName = Config['notify']['channel'];

/** The channels of the outbox: a notifier for a channel and a recipient (a webhook URL, a Telegram chat ID, or `log`). */
export interface Channels {
  notifierFor(channel: ChannelName, recipient: string): Notifier;
}

export function createChannels(config: Config['notify'], logger: Logger, breakers: CircuitBreakers): Channels {
  const log = createLogNotifier(logger);
  return {
    notifierFor(channel, recipient) {
      switch (channel) {
        case 'log':
          return log;
        case 'webhook':
          // The breaker is named by a hash: a URL may carry a secret, and /circuit-breakers shows the names.
          return createWebhookNotifier({ url: recipient, timeoutMs: config.timeout_ms, breakers, breaker: `webhook:${createHash('sha256').update(recipient).digest('hex').slice(0, 12)}` });
        case 'telegram':
          return createTelegramNotifier({ baseUrl: config.telegram_api_base_url, token: config.telegram_bot_token, chatId: Number(recipient), timeoutMs: config.timeout_ms, breakers });
      }
    },
  };
}
