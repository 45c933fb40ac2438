import { workflowInfo } from '@temporalio/workflow';
import type { IndicatorActivities } from '../activities/indicators.ts';
import type { NotificationActivities } from '../activities/notifications.ts';
import type { IndicatorAlertParams } from '../lib/jobParams/indicatorAlert.ts';
import { activitiesWithProfile } from './activityProfiles.ts';
import { indicatorConditionHolds } from './indicatorCondition.ts';
import type { IndicatorAlertResult, JobInput } from './types.ts';

const { readIndicator } = activitiesWithProfile<IndicatorActivities>('market_data');
const { sendNotification } = activitiesWithProfile<NotificationActivities>('notify');

/** Reads the indicator on the symbol's klines (the math runs in the activity), checks the condition and, when it holds, notifies once. */
export async function indicatorAlertWorkflow(job: JobInput<IndicatorAlertParams>): Promise<IndicatorAlertResult> {
  const params = job.task_params;
  const reading = await readIndicator(job.target, params);
  const outcome = { indicator: params.indicator, value: reading.value, current_price: reading.price };
  if (!indicatorConditionHolds(params, reading)) return { alert_triggered: false, ...outcome, notification_sent: false };

  const shown = (n: number) => Number(n.toFixed(4));
  const threshold = params.indicator === 'bollinger' ? `${params.condition.replaceAll('_', ' ')} band ${shown(reading.value)}` : `${params.condition.replace('_', ' ')} ${params.value}`;
  const delivery = await sendNotification({
    idempotency_key: `${workflowInfo().workflowId}/notify`,
    title: `Indicator alert: ${job.name}`,
    text: `${job.target} ${params.indicator} on ${params.interval} is ${shown(reading.value)} (price ${reading.price}), ${threshold}`,
    job_id: job.job_id,
    user_id: job.user_id,
    data: { symbol: job.target, task_params: params, ...reading },
  });
  return { alert_triggered: true, ...outcome, notification_sent: delivery.delivered };
}
