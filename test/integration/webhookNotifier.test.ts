import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookNotifier } from '../../lib/notify/webhookNotifier.ts';
import { CircuitBreakers } from '../../lib/resilience.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhookReceiver.ts';

describe('webhook notifier', () => {
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });

  afterAll(async () => {
    await receiver?.close();
  });

  const notification = { idempotency_key: 'job-1-x/notify', title: 't', text: 'BTCUSDT is 50150', job_id: 1, user_id: 2, data: { price: 50150 } };
  const notifier = () => createWebhookNotifier({ url: `${receiver.url}/hook`, timeoutMs: 2_000, breakers: new CircuitBreakers() });

  it('POSTs the notification as JSON with its idempotency key', async () => {
    await expect(notifier().send(notification)).resolves.toEqual({ channel: 'webhook', delivered: true });
    expect(receiver.received.at(-1)).toMatchObject({ headers: { 'content-type': 'application/json', 'idempotency-key': 'job-1-x/notify' }, body: notification });
  });

  it('treats a 4xx refusal as final and a 5xx as worth retrying', async () => {
    receiver.failNext(1, 400);
    await expect(notifier().send(notification)).rejects.toMatchObject({ type: 'NotificationRejected', retryable: false });
    receiver.failNext(1, 503);
    await expect(notifier().send(notification)).rejects.toMatchObject({ type: 'ApiError', retryable: true });
    receiver.failNext(1, 429);
    await expect(notifier().send(notification)).rejects.toMatchObject({ retryable: true });
  });
});
