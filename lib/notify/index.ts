import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { CircuitBreakers } from '../resilience.ts';
import { createLogNotifier } from './logNotifier.ts';
import type { Notifier } from './notifier.ts';
import { createWebhookNotifier } from './webhookNotifier.ts';

export type { Delivery, Notification, Notifier } from './notifier.ts';

export function createNotifier(config: Config['notify'], logger: Logger, breakers: CircuitBreakers): Notifier {
  switch (config.channel) {
    case 'webhook':
      return createWebhookNotifier({ url: config.webhook_url, timeoutMs: config.timeout_ms, breakers });
    case 'log':
      return createLogNotifier(logger);
    case 'telegram':
      throw new Error('the telegram channel is not available yet: config validation refuses it');
  }
}
