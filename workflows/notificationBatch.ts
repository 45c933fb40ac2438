import { condition, continueAsNew, defineSignal, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { NotificationDeliveryActivities } from '../activities/notificationDelivery.ts';
import type { NotificationBatchParams } from '../lib/jobParams/notificationBatch.ts';
import { DELIVERY_PROFILE } from './activityProfiles.ts';
import type { JobInput, NotificationBatchResult } from './types.ts';

const { deliverDueNotifications } = proxyActivities<NotificationDeliveryActivities>(DELIVERY_PROFILE);

/** Sent by every enqueue (signal-with-start): there is something to deliver now. */
export const kickSignal = defineSignal('kick');

/** Rounds one run makes before it hands over (a lingering run continues as new, so its history stays small). */
const MAX_ROUNDS = 200;

/**
 * Delivers the outbox round by round while notifications are due or kicks arrive. A scheduled run (linger 0) ends when
 * none is due; a kicked run also waits up to `linger_seconds` for the next kick or retry falling due. A kick that
 * arrives while the run is ending is not lost: Temporal makes the run see it before it may complete.
 */
export async function notificationBatchWorkflow(job: JobInput<NotificationBatchParams>): Promise<NotificationBatchResult> {
  const { batch_size, linger_seconds } = job.task_params;
  const lingerMs = linger_seconds * 1000;
  let kicked = false;
  setHandler(kickSignal, () => {
    kicked = true;
  });
  const totals: NotificationBatchResult = { rounds: 0, claimed: 0, sent: 0, retried: 0, failed: 0 };
  while (totals.rounds < MAX_ROUNDS) {
    kicked = false;
    const report = await deliverDueNotifications({ batch_size });
    totals.rounds += 1;
    totals.claimed += report.claimed;
    totals.sent += report.sent;
    totals.retried += report.retried;
    totals.failed += report.failed;
    if (kicked || report.next_due_in_ms === 0) continue;
    if (lingerMs === 0) return totals;
    const dueSoon = report.next_due_in_ms !== null && report.next_due_in_ms <= lingerMs;
    const woken = await condition(() => kicked, dueSoon ? Math.max(report.next_due_in_ms!, 100) : lingerMs);
    if (!woken && !dueSoon) return totals;
  }
  if (lingerMs > 0 || workflowInfo().continueAsNewSuggested) await continueAsNew<typeof notificationBatchWorkflow>(job);
  return totals;
}
