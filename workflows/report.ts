import { workflowInfo } from '@temporalio/workflow';
import type { ReportActivities } from '../activities/reports.ts';
import type { ReportParams } from '../lib/jobParams/report.ts';
import { activitiesWithProfile } from './activityProfiles.ts';
import type { JobInput, ReportResult } from './types.ts';

const { buildReport } = activitiesWithProfile<ReportActivities>('report');
const { deliverReport } = activitiesWithProfile<ReportActivities>('notify');

/** Builds a technical-analysis report of the symbol (figures and chart, stored), then delivers it with the chart. */
export async function reportWorkflow(job: JobInput<ReportParams>): Promise<ReportResult> {
  const { workflowId } = workflowInfo();
  const { interval } = job.task_params;
  const { report_id, summary } = await buildReport({ job_id: job.job_id, user_id: job.user_id, name: job.name, symbol: job.target, params: job.task_params, workflow_id: workflowId });
  const { indicators } = summary;
  const levels = (values: number[]) => (values.length ? values.join(', ') : 'none in range');
  const text = [
    `${job.target} ${interval}: ${summary.last_price} (${summary.change_pct >= 0 ? '+' : ''}${summary.change_pct}% over the report), trend ${summary.trend}`,
    `RSI 14 ${indicators.rsi_14 ?? 'n/a'}, SMA 20 ${indicators.sma_20 ?? 'n/a'}, SMA 50 ${indicators.sma_50 ?? 'n/a'}, MACD histogram ${indicators.macd_histogram ?? 'n/a'}`,
    `support ${levels(summary.support)}; resistance ${levels(summary.resistance)}`,
  ].join('\n');
  const delivery = await deliverReport(report_id, {
    idempotency_key: `${workflowId}/notify`,
    title: `Report: ${job.name}`,
    text,
    job_id: job.job_id,
    user_id: job.user_id,
    data: { symbol: job.target, interval, report_id, ...summary },
  });
  return { report_id, last_price: summary.last_price, trend: summary.trend, notification_sent: delivery.delivered, ...(summary.degraded ? { degraded: summary.degraded } : {}) };
}
