import { workflowInfo } from '@temporalio/workflow';
import type { AlertActivities } from '../activities/alerts.ts';
import type { IndicatorActivities } from '../activities/indicators.ts';
import type { NotificationActivities } from '../activities/notifications.ts';
import type { IndicatorAlertParams } from '../lib/jobParams/indicatorAlert.ts';
import { activitiesWithProfile } from './activityProfiles.ts';
import { indicatorConditionHolds } from './indicatorCondition.ts';
import type { IndicatorAlertResult, JobInput } from './types.ts';

const { readIndicator } = activitiesWithProfile<IndicatorActivities>('market_data');
const { recordAlert } = activitiesWithProfile<AlertActivities>('database');
const { sendNotification } = activitiesWithProfile<NotificationActivities>('notify');

/** Reads the indicator on the symbol's klines (the math runs in the activity), checks the condition and, when it holds, notifies once. */
export async function indicatorAlertWorkflow(job: JobInput<IndicatorAlertParams>): Promise<IndicatorAlertResult> {
  const params = job.task_params;
  const reading = await readIndicator(job.target, params);
  const outcome = { indicator: params.indicator, value: reading.value, current_price: reading.price };
  if (!indicatorConditionHolds(params, reading)) return { alert_triggered: false, ...outcome, notification_sent: false };

  const { workflowId, runId } = workflowInfo();
  const threshold = params.indicator === 'bollinger' ? reading.value : params.value;
  await recordAlert({
    job_id: job.job_id,
    job_type: job.job_type,
    user_id: job.user_id,
    symbol: job.target,
    condition: `${params.indicator} ${params.condition}`,
    value: threshold,
    price: reading.price,
    fired_at: new Date().toISOString(),
    workflow_id: workflowId,
    temporal_run_id: runId,
  });
  const shown = (n: number) => Number(n.toFixed(4));
  const described = params.indicator === 'bollinger' ? `${params.condition.replaceAll('_', ' ')} band ${shown(reading.value)}` : `${params.condition.replace('_', ' ')} ${params.value}`;
  const delivery = await sendNotification({
    idempotency_key: `${workflowId}/notify`,
    title: `Indicator alert: ${job.name}`,
    text: `${job.target} ${params.indicator} on ${params.interval} is ${shown(reading.value)} (price ${reading.price}), ${described}`,
    job_id: job.job_id,
    user_id: job.user_id,
    data: { symbol: job.target, task_params: params, ...reading },
  });
  return { alert_triggered: true, ...outcome, notification_sent: delivery.delivered };
}
