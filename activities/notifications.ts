import { log } from '@temporalio/activity';
import type { Orm } from '../db/orm.ts';
import type { Config } from '../lib/config.ts';
import type { Logger } from '../lib/logger.ts';
import type { Delivery, Notification } from '../lib/notify/index.ts';
import type { TemporalClient } from '../lib/temporal.ts';
import { kickDelivery } from '../notifications/kick.ts';
import { enqueueNotification } from '../notifications/outbox.ts';

export interface NotificationDeps {
  config: Config;
  orm: Orm;
  temporal: TemporalClient;
  logger: Logger;
}

export function createNotificationActivities({ config, orm, temporal, logger }: NotificationDeps) {
  return {
    /**
     * Puts the notification in the outbox (once per idempotency key, however often this runs) and kicks the delivery:
     * the notifications queue sends it, so a slow channel never holds this worker. `delivered` means queued.
     */
    async sendNotification(notification: Notification): Promise<Delivery> {
      const { row, created } = await enqueueNotification(orm, config.notify, notification);
      log.info('notification queued', { notification_id: row.id, channel: row.channel, status: row.status, created, idempotency_key: notification.idempotency_key });
      if (row.status === 'pending') await kickDelivery(temporal, logger);
      return { channel: row.channel, delivered: true };
    },
  };
}

export type NotificationActivities = ReturnType<typeof createNotificationActivities>;
