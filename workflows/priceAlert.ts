import { patched, workflowInfo } from '@temporalio/workflow';
import type { AlertActivities } from '../activities/alerts.ts';
import type { MarketDataActivities } from '../activities/marketData.ts';
import type { NotificationActivities } from '../activities/notifications.ts';
import type { PriceAlertParams } from '../lib/jobParams/priceAlert.ts';
import { activitiesWithProfile } from './activityProfiles.ts';
import type { PriceObservation } from './priceCondition.ts';
import type { JobInput, PriceAlertResult } from './types.ts';

const { getPrice, getPriceChange } = activitiesWithProfile<MarketDataActivities>('market_data');
const { firePriceAlert, advancePriceAlert, recordAlert, disableJob } = activitiesWithProfile<AlertActivities>('database');

/** Patch: a run decides, records its alert and queues its notification in one activity (before: three). */
const ONE_TRANSACTION = 'price-alert-one-transaction';
const { sendNotification } = activitiesWithProfile<NotificationActivities>('notify');

/**
 * Reads the symbol's price (and its move over the timeframe for `change_pct`), decides against the job's stored state
 * (previous price, armed), and when it fires records the alert, notifies once and, for a one-shot alert, disables the job.
 */
export async function priceAlertWorkflow(job: JobInput<PriceAlertParams>): Promise<PriceAlertResult> {
  const { condition, value, timeframe, mode } = job.task_params;
  const { workflowId, runId } = workflowInfo();
  const read = condition === 'change_pct' ? await getPriceChange(job.target, timeframe) : await getPrice(job.target);
  const observation: PriceObservation = 'change_pct' in read ? read : { price: read.price };
  const { price } = observation;
  // The fallback recovery (lib/recovery.ts) answered the last known price: the result says so, and when it was taken.
  const staleness = read.stale ? { price_stale: true, price_at: read.at } : {};
  const shownChange = observation.change_pct === undefined ? {} : { change_pct: Number(observation.change_pct.toFixed(4)) };
  const notTriggered = { alert_triggered: false, current_price: price, ...staleness, ...shownChange, notification_sent: false };
  const what = condition === 'change_pct' ? `moved ${shownChange.change_pct}% on ${timeframe} (threshold ${value}%)` : `${condition.replace('_', ' ')} ${value}`;
  const alert = { job_id: job.job_id, job_type: job.job_type, user_id: job.user_id, symbol: job.target, condition, value, price, fired_at: new Date().toISOString(), workflow_id: workflowId, temporal_run_id: runId };
  const notification = {
    idempotency_key: `${workflowId}/notify`,
    title: `Price alert: ${job.name}`,
    text: `${job.target} is ${price}, ${what}`,
    job_id: job.job_id,
    user_id: job.user_id,
    data: { symbol: job.target, price, condition, value, ...shownChange },
  };
  const step = { job_id: job.job_id, workflow_id: workflowId, params: { condition, value, mode }, observation };
  if (patched(ONE_TRANSACTION)) {
    // The decision, the alert and its notification are one write: two activities a run, as few as a price alert can have.
    if (!(await firePriceAlert({ ...step, alert, notification })).triggered) return notTriggered;
  } else {
    // Runs that began before ONE_TRANSACTION replay as they ran: decide, record, then queue the notification.
    if (!(await advancePriceAlert(step)).triggered) return notTriggered;
    await recordAlert(alert);
    await sendNotification(notification);
  }
  const disabled = mode === 'once' ? await disableJob(job.job_id, `one-shot price alert fired in ${workflowId}`) : false;
  return { alert_triggered: true, current_price: price, ...staleness, ...shownChange, notification_sent: true, ...(mode === 'once' ? { job_disabled: disabled } : {}) };
}
