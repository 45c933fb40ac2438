import { LockMode, type EntityManager } from '@mikro-orm/core';
import { Notification, NOTIFICATION_STATUSES, type NotificationChannel, type NotificationStatus } from '../entities/index.ts';

export interface NewNotification {
  idempotency_key: string;
  user_id: number;
  job_id: number | null;
  channel: NotificationChannel;
  recipient: string;
  title: string;
  text: string;
  body: Record<string, unknown>;
  image_png: Buffer | null;
  /** `failed` when it can never be delivered (no linked chat, a blocked chat): written anyway, so it is never lost silently. */
  status: Extract<NotificationStatus, 'pending' | 'failed'>;
  next_attempt_at: Date;
  last_error?: string | null;
}

/** Adds a notification to the outbox; flushing throws UniqueConstraintViolationException when its key is there already. */
export function addNotification(em: EntityManager, row: NewNotification): Notification {
  return em.create(Notification, { attempts: 0, claim_token: null, sent_at: null, last_error: null, ...row });
}

export function findNotificationByKey(em: EntityManager, idempotency_key: string): Promise<Notification | null> {
  return em.findOne(Notification, { idempotency_key });
}

/** Due: pending and past next_attempt_at, or claimed by a delivery whose lease (next_attempt_at) ran out. */
function dueAt(now: Date) {
  return { status: { $in: ['pending', 'sending'] as NotificationStatus[] }, next_attempt_at: { $lte: now } };
}

export interface Claim {
  token: string;
  now: Date;
  leaseUntil: Date;
  limit: number;
}

/**
 * Claims up to `limit` due notifications for one delivery, oldest due first. The update re-checks that each row is
 * still due, so of two deliveries racing for a row exactly one gets it (PostgreSQL re-reads a row it waited on; SQLite
 * runs writers one at a time); the lease is how long the claim holds before another delivery may take the row over.
 */
export async function claimDueNotifications(em: EntityManager, claim: Claim): Promise<Notification[]> {
  // FOR UPDATE SKIP LOCKED on PostgreSQL: a racing claim takes the next due rows instead of waiting for these and finding none.
  const due = await em.find(Notification, dueAt(claim.now), { fields: ['id'], orderBy: { next_attempt_at: 'asc', id: 'asc' }, limit: claim.limit, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE });
  if (due.length === 0) return [];
  await em.nativeUpdate(Notification, { id: { $in: due.map((row) => row.id) }, ...dueAt(claim.now) }, { status: 'sending', claim_token: claim.token, next_attempt_at: claim.leaseUntil });
  return em.find(Notification, { claim_token: claim.token, status: 'sending' }, { orderBy: { id: 'asc' }, disableIdentityMap: true });
}

/** Records the channel's acceptance; only the delivery holding the claim can. Returns whether it did. */
export async function recordNotificationSent(em: EntityManager, id: number, token: string, attempts: number, at: Date): Promise<boolean> {
  const updated = await em.nativeUpdate(Notification, { id, claim_token: token, status: 'sending' }, { status: 'sent', sent_at: at, attempts, claim_token: null, last_error: null });
  return updated > 0;
}

export interface FailedAttempt {
  attempts: number;
  last_error: string;
  /** pending: try again at next_attempt_at; failed: never again. */
  status: Extract<NotificationStatus, 'pending' | 'failed'>;
  next_attempt_at: Date;
}

export async function recordNotificationFailure(em: EntityManager, id: number, token: string, attempt: FailedAttempt): Promise<boolean> {
  const updated = await em.nativeUpdate(Notification, { id, claim_token: token, status: 'sending' }, { ...attempt, claim_token: null });
  return updated > 0;
}

/** Hands claimed rows back untried (their recipient is backing off, or the delivery ran out of time): due again at `at`. */
export async function releaseNotifications(em: EntityManager, ids: number[], token: string, at: Date): Promise<void> {
  if (ids.length === 0) return;
  await em.nativeUpdate(Notification, { id: { $in: ids }, claim_token: token, status: 'sending' }, { status: 'pending', claim_token: null, next_attempt_at: at });
}

/** When the next notification falls due, or null when none waits. */
export async function nextNotificationDueAt(em: EntityManager): Promise<Date | null> {
  const next = await em.findOne(Notification, { status: { $in: ['pending', 'sending'] } }, { fields: ['next_attempt_at'], orderBy: { next_attempt_at: 'asc' } });
  return next?.next_attempt_at ?? null;
}

/** How many notifications are in each status (a status with none is left out). */
export async function countNotificationsByStatus(em: EntityManager): Promise<Partial<Record<NotificationStatus, number>>> {
  const counts: Partial<Record<NotificationStatus, number>> = {};
  for (const status of NOTIFICATION_STATUSES) {
    const count = await em.count(Notification, { status });
    if (count > 0) counts[status] = count;
  }
  return counts;
}
