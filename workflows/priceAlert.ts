import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createMarketDataActivities } from '../activities/marketData.ts';
import type { createNotificationActivities } from '../activities/notifications.ts';
import { priceConditionHolds } from './priceCondition.ts';
import type { JobInput, PriceAlertParams, PriceAlertResult } from './types.ts';

const { getPrice } = proxyActivities<ReturnType<typeof createMarketDataActivities>>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
});

const { sendNotification } = proxyActivities<ReturnType<typeof createNotificationActivities>>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
});

/** Reads the symbol's price, checks the condition and, when it holds, notifies once. */
export async function priceAlertWorkflow(job: JobInput): Promise<PriceAlertResult> {
  const { condition, value } = job.task_params as unknown as PriceAlertParams;
  const { price } = await getPrice(job.target);
  const triggered = priceConditionHolds(condition, value, price);
  if (!triggered) return { alert_triggered: false, current_price: price, notification_sent: false };

  await sendNotification({
    idempotency_key: `${workflowInfo().workflowId}/notify`,
    title: `Price alert: ${job.name}`,
    text: `${job.target} is ${price}, ${condition} ${value}`,
    job_id: job.job_id,
    user_id: job.user_id,
    data: { symbol: job.target, price, condition, value },
  });
  return { alert_triggered: true, current_price: price, notification_sent: true };
}
