import { workflowInfo } from '@temporalio/workflow';
import type { MarketDataActivities } from '../activities/marketData.ts';
import type { NotificationActivities } from '../activities/notifications.ts';
import type { PriceAlertParams } from '../lib/jobParams/priceAlert.ts';
import { activitiesWithProfile } from './activityProfiles.ts';
import { priceConditionHolds } from './priceCondition.ts';
import type { JobInput, PriceAlertResult } from './types.ts';

const { getPrice } = activitiesWithProfile<MarketDataActivities>('market_data');
const { sendNotification } = activitiesWithProfile<NotificationActivities>('notify');

/** Reads the symbol's price, checks the condition and, when it holds, notifies once. */
export async function priceAlertWorkflow(job: JobInput<PriceAlertParams>): Promise<PriceAlertResult> {
  const { condition, value } = job.task_params;
  const { price } = await getPrice(job.target);
  const triggered = priceConditionHolds(condition, value, price);
  if (!triggered) return { alert_triggered: false, current_price: price, notification_sent: false };

  const delivery = await sendNotification({
    idempotency_key: `${workflowInfo().workflowId}/notify`,
    title: `Price alert: ${job.name}`,
    text: `${job.target} is ${price}, ${condition} ${value}`,
    job_id: job.job_id,
    user_id: job.user_id,
    data: { symbol: job.target, price, condition, value },
  });
  return { alert_triggered: true, current_price: price, notification_sent: delivery.delivered };
}
