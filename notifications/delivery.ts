import { randomUUID } from 'node:crypto';
import type { Notification as NotificationRow } from '../db/entities/index.ts';
import { inTransaction, type Orm } from '../db/orm.ts';
import { claimDueNotifications, nextNotificationDueAt, recordNotificationFailure, recordNotificationSent, releaseNotifications } from '../db/repositories/notifications.ts';
import { markChatBlocked } from '../db/repositories/telegramUsers.ts';
import type { Config } from '../lib/config.ts';
import { isRetryable } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { RecipientBlockedError, RetryLaterError, type Channels } from '../lib/notify/index.ts';
import { retryDelayMs } from './backoff.ts';
import { notificationOf } from './outbox.ts';

/** Recipients delivered to at the same time; each recipient's own notifications go one after another, in order. */
const RECIPIENTS_IN_PARALLEL = 8;

export interface DeliveryDeps {
  orm: Orm;
  channels: Channels;
  notify: Config['notify'];
  logger: Logger;
}

export interface DeliveryReport {
  claimed: number;
  sent: number;
  /** Failed for now, due again later (the rest of that recipient's batch is handed back with it). */
  retried: number;
  failed: number;
  /** Handed back untried: the recipient is backing off, or the delivery ran out of lease. */
  released: number;
  /** Milliseconds until the next notification falls due (0: some are due now), or null when none waits. */
  next_due_in_ms: number | null;
}

/**
 * One round of the outbox: claims up to `limit` due notifications and delivers them. Each is recorded `sent` the
 * moment its channel accepts it, so a redelivered batch, a retried activity or a replay never sends it again; only a
 * crash between the channel's acceptance and that record sends one twice (after the lease). A recipient that fails
 * backs off alone: its remaining notifications are handed back, the other recipients go on.
 */
export async function deliverDueNotifications(deps: DeliveryDeps, limit: number, signal?: AbortSignal): Promise<DeliveryReport> {
  const { notify } = deps;
  const token = randomUUID();
  const claimedAt = Date.now();
  const rows = await inTransaction(deps.orm, (em) => claimDueNotifications(em, { token, now: new Date(claimedAt), leaseUntil: new Date(claimedAt + notify.claim_lease_ms), limit }));
  // A send started before this ends (channel timeout, then the record) before the lease does: no one else takes the row meanwhile.
  const lastStart = claimedAt + notify.claim_lease_ms - 2 * notify.timeout_ms - 1_000;
  const report: DeliveryReport = { claimed: rows.length, sent: 0, retried: 0, failed: 0, released: 0, next_due_in_ms: null };

  const deliverTo = async (queue: NotificationRow[]) => {
    for (let index = 0; index < queue.length; index++) {
      const row = queue[index]!;
      if (Date.now() > lastStart || signal?.aborted) {
        await release(queue.slice(index), new Date());
        return;
      }
      const outcome = await attempt(row);
      if (outcome.retryAt) {
        // The recipient is failing: what it still has waits with it, the other recipients are not held up.
        await release(queue.slice(index + 1), outcome.retryAt);
        return;
      }
    }
  };

  const release = async (rest: NotificationRow[], at: Date) => {
    await inTransaction(deps.orm, (em) => releaseNotifications(em, rest.map((row) => row.id), token, at));
    report.released += rest.length;
  };

  const attempt = async (row: NotificationRow): Promise<{ retryAt?: Date }> => {
    const attempts = row.attempts + 1;
    try {
      await deps.channels.notifierFor(row.channel, row.recipient).send(notificationOf(row));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof RecipientBlockedError && row.channel === 'telegram') {
        await inTransaction(deps.orm, (em) => markChatBlocked(em, Number(row.recipient)));
      }
      const retryAt = isRetryable(error) && attempts < notify.max_attempts ? new Date(Date.now() + (error instanceof RetryLaterError ? error.retryAfterMs : retryDelayMs(attempts))) : undefined;
      await inTransaction(deps.orm, (em) => recordNotificationFailure(em, row.id, token, { attempts, last_error: message.slice(0, 2_000), status: retryAt ? 'pending' : 'failed', next_attempt_at: retryAt ?? new Date() }));
      if (retryAt) report.retried += 1;
      else report.failed += 1;
      deps.logger.warn({ notification_id: row.id, channel: row.channel, attempts, error: message, retry_at: retryAt?.toISOString() ?? null }, retryAt ? 'notification delivery failed; will retry' : 'notification delivery failed for good');
      return { retryAt };
    }
    // The window: the channel has it, the record does not yet. A crash here is the one way to a duplicate.
    await inTransaction(deps.orm, (em) => recordNotificationSent(em, row.id, token, attempts, new Date()));
    deps.logger.info({ notification_id: row.id, channel: row.channel, attempts }, 'notification sent');
    report.sent += 1;
    return {};
  };

  const queues = [...groupByRecipient(rows).values()];
  const workers = Array.from({ length: Math.min(RECIPIENTS_IN_PARALLEL, queues.length) }, async () => {
    for (let queue = queues.shift(); queue; queue = queues.shift()) await deliverTo(queue);
  });
  // Every recipient's lane ends before the round does, even when one failed (the database, most likely).
  const failed = (await Promise.allSettled(workers)).find((lane) => lane.status === 'rejected');
  if (failed) throw failed.reason;

  const next = await inTransaction(deps.orm, (em) => nextNotificationDueAt(em));
  report.next_due_in_ms = next === null ? null : Math.max(0, next.getTime() - Date.now());
  return report;
}

function groupByRecipient(rows: NotificationRow[]): Map<string, NotificationRow[]> {
  const groups = new Map<string, NotificationRow[]>();
  for (const row of rows) {
    const key = `${row.channel} ${row.recipient}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return groups;
}
