import { log } from '@temporalio/activity';
import type { Delivery, Notification, Notifier } from '../lib/notify/index.ts';
import { asActivity } from './failures.ts';

export interface NotificationDeps {
  notifier: Notifier;
}

export function createNotificationActivities({ notifier }: NotificationDeps) {
  return {
    async sendNotification(notification: Notification): Promise<Delivery> {
      return asActivity(async () => {
        const delivery = await notifier.send(notification);
        log.info('notification sent', { channel: delivery.channel, idempotency_key: notification.idempotency_key });
        return delivery;
      });
    },
  };
}
