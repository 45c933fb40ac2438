import type { Orm } from '../db/orm.ts';
import type { Config } from '../lib/config.ts';
import type { Logger } from '../lib/logger.ts';
import type { Delivery, Notification, Notifier } from '../lib/notify/index.ts';
import type { TemporalClient } from '../lib/temporal.ts';
import { kickDelivery } from './kick.ts';
import { enqueueNotification } from './outbox.ts';

/** `queued` is false when a notification with the same idempotency key was already in the outbox. */
export interface OutboxNotifier extends Notifier {
  send(notification: Notification): Promise<Delivery & { queued: boolean }>;
}

/**
 * A Notifier for code outside workflows (the API process's reconcilers telling a job's owner): it writes to the outbox
 * and kicks delivery, so these notifications reach the user's own channel with the same retries and exactly-once key.
 */
export function createOutboxNotifier(deps: { orm: Orm; temporal: TemporalClient; logger: Logger; notify: Config['notify'] }): OutboxNotifier {
  return {
    channel: 'outbox',
    async send(notification) {
      const { created } = await enqueueNotification(deps.orm, deps.notify, notification);
      if (created) await kickDelivery(deps.temporal, deps.logger);
      return { channel: 'outbox', delivered: false, queued: created };
    },
  };
}
