import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import type { Notification as NotificationRow } from '../db/entities/index.ts';
import { inTransaction, type Orm } from '../db/orm.ts';
import { addNotification, findNotificationByKey } from '../db/repositories/notifications.ts';
import type { Config } from '../lib/config.ts';
import type { Notification } from '../lib/notify/index.ts';
import { destinationOf } from './destination.ts';

/**
 * The outbox row of a notification inside the caller's transaction: the one its idempotency key already names, or a
 * new one addressed to the user's channel now. Written with the change that caused it, a notification is never lost
 * nor sent for a change that rolled back.
 */
export async function addNotificationOnce(em: EntityManager, notify: Config['notify'], notification: Notification): Promise<{ row: NotificationRow; created: boolean }> {
  const existing = await findNotificationByKey(em, notification.idempotency_key);
  if (existing) return { row: existing, created: false };
  const now = new Date();
  const destination = await destinationOf(em, notify, notification.user_id, now);
  const row = addNotification(em, {
    idempotency_key: notification.idempotency_key,
    user_id: notification.user_id,
    job_id: notification.job_id,
    channel: destination.channel,
    recipient: destination.recipient,
    title: notification.title,
    text: notification.text,
    body: notification.data,
    image_png: notification.image_png_base64 ? Buffer.from(notification.image_png_base64, 'base64') : null,
    status: destination.undeliverable ? 'failed' : 'pending',
    last_error: destination.undeliverable ?? null,
    next_attempt_at: destination.notBefore,
  });
  return { row, created: true };
}

/**
 * Writes a notification into the outbox once: the idempotency key is unique, so a retried activity, a replayed
 * workflow or two racing attempts find the row the first one wrote instead of writing another.
 */
export async function enqueueNotification(orm: Orm, notify: Config['notify'], notification: Notification): Promise<{ row: NotificationRow; created: boolean }> {
  try {
    return await inTransaction(orm, async (em) => {
      const added = await addNotificationOnce(em, notify, notification);
      await em.flush();
      return added;
    });
  } catch (error) {
    // Two attempts raced past the lookup: the loser reads the winner's row.
    if (!(error instanceof UniqueConstraintViolationException)) throw error;
    const row = await inTransaction(orm, (em) => findNotificationByKey(em, notification.idempotency_key));
    if (!row) throw error;
    return { row, created: false };
  }
}

/** The notification as channels send it (webhooks POST exactly this): what the workflow asked for, plus the outbox's id. */
export function notificationOf(row: NotificationRow): Notification & { notification_id: number } {
  return {
    notification_id: row.id,
    idempotency_key: row.idempotency_key,
    title: row.title,
    text: row.text,
    job_id: row.job_id ?? 0,
    user_id: row.user_id,
    data: row.body,
    ...(row.image_png ? { image_png_base64: Buffer.from(row.image_png).toString('base64') } : {}),
  };
}
