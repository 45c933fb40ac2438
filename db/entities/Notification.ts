import { defineEntity, p } from '@mikro-orm/core';

/** pending: waits for next_attempt_at; sending: claimed by a delivery until next_attempt_at (the lease); sent and failed are final. */
export const NOTIFICATION_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

export const NOTIFICATION_CHANNELS = ['log', 'webhook', 'telegram'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** The outbox: one row per notification, written by the workflow that has something to say and delivered by the notifications queue. */
export const NotificationSchema = defineEntity({
  name: 'Notification',
  tableName: 'notifications',
  indexes: [{ properties: ['status', 'next_attempt_at'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    /** Same key, same notification: a retried or replayed enqueue finds the row instead of writing a second. */
    idempotency_key: p.string().length(255).unique(),
    user_id: p.integer().index(),
    job_id: p.integer().nullable(),
    channel: p.enum(() => NOTIFICATION_CHANNELS).$type<NotificationChannel>(),
    /** Where the channel delivers: a webhook URL, a Telegram chat ID, or `log`. */
    recipient: p.string().length(1000),
    title: p.string().length(500),
    text: p.text(),
    body: p.json<Record<string, unknown>>(),
    image_png: p.blob().nullable(),
    status: p.enum(() => NOTIFICATION_STATUSES).$type<NotificationStatus>(),
    attempts: p.integer().default(0),
    next_attempt_at: p.datetime(),
    /** Names the delivery that holds a `sending` row: only it records the outcome. */
    claim_token: p.string().length(64).nullable(),
    last_error: p.text().nullable(),
    sent_at: p.datetime().nullable(),
    created_at: p.datetime().onCreate(() => new Date()).index(),
  },
});

export class Notification extends NotificationSchema.class {}
NotificationSchema.setClass(Notification);
