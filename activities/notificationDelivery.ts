import { Context } from '@temporalio/activity';
import type { Orm } from '../db/orm.ts';
import type { Config } from '../lib/config.ts';
import type { Logger } from '../lib/logger.ts';
import type { Channels } from '../lib/notify/index.ts';
import { deliverDueNotifications, type DeliveryReport } from '../notifications/delivery.ts';

export interface NotificationDeliveryDeps {
  config: Config;
  orm: Orm;
  channels: Channels;
  logger: Logger;
}

export function createNotificationDeliveryActivities({ config, orm, channels, logger }: NotificationDeliveryDeps) {
  return {
    /** One round of the outbox: claim what is due, deliver it, record each outcome as it happens. */
    async deliverDueNotifications(input: { batch_size: number }): Promise<DeliveryReport> {
      const report = await deliverDueNotifications({ orm, channels, notify: config.notify, logger }, input.batch_size, Context.current().cancellationSignal);
      if (report.claimed > 0) Context.current().log.info('notifications delivered', { ...report });
      return report;
    },
  };
}

export type NotificationDeliveryActivities = ReturnType<typeof createNotificationDeliveryActivities>;
