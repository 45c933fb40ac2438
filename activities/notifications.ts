import { log } from '@temporalio/activity';
import type { Delivery, Notification, Notifier } from '../lib/notify/index.ts';

export interface NotificationDeps {
  notifier: Notifier;
}

export function createNotificationActivities({ notifier }: NotificationDeps) {
  return {
    async sendNotification(notification: Notification): Promise<Delivery> {
      const delivery = await notifier.send(notification);
      log.info('notification sent', { channel: delivery.channel, delivered: delivery.delivered, idempotency_key: notification.idempotency_key });
      return delivery;
    },
  };
}

export type NotificationActivities = ReturnType<typeof createNotificationActivities>;
