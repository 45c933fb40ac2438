import { ApiError, businessError } from '../errors.ts';
import { requestJson } from '../http.ts';
import type { CircuitBreakers } from '../resilience.ts';
import type { Delivery, Notification, Notifier } from './notifier.ts';

export interface WebhookOptions {
  url: string;
  timeoutMs: number;
  breakers: CircuitBreakers;
  /** The circuit breaker it goes through (default `webhook`); the outbox gives each recipient its own, so one failing URL never opens another's. */
  breaker?: string;
}

/** One JSON POST per notification, with an Idempotency-Key header so a retried delivery can be recognised. */
export function createWebhookNotifier(options: WebhookOptions): Notifier {
  return {
    channel: 'webhook',
    async send(notification: Notification): Promise<Delivery> {
      try {
        await options.breakers.execute(options.breaker ?? 'webhook', () =>
          requestJson(options.url, {
            method: 'POST',
            headers: { 'idempotency-key': notification.idempotency_key },
            json: notification,
            timeoutMs: options.timeoutMs,
          }),
        );
      } catch (error) {
        if (error instanceof ApiError && !error.retryable) {
          throw businessError('NotificationRejected', `webhook rejected the notification: ${error.status}`, error);
        }
        throw error;
      }
      return { channel: 'webhook', delivered: true };
    },
  };
}
