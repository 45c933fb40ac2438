import { defineEntity, p } from '@mikro-orm/core';

/** The figures of a technical-analysis report: what the notification text and the chart show. */
export interface ReportSummary {
  last_price: number;
  change_pct: number;
  indicators: Record<string, number | null>;
  trend: 'up' | 'down' | 'sideways';
  support: number[];
  resistance: number[];
  /** Steps skipped because they failed (lib/recovery.ts degradeOnFailure): `chart` means it is sent without its chart. */
  degraded?: string[];
}

/** One technical-analysis report of a symbol on an interval, with its chart; written once per run. */
export const ReportSchema = defineEntity({
  name: 'Report',
  tableName: 'reports',
  indexes: [{ properties: ['job_id', 'created_at'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    job_id: p.integer(),
    user_id: p.integer(),
    symbol: p.string().length(200),
    interval: p.string().length(8),
    summary: p.json<ReportSummary>(),
    /** The chart as PNG; kept here, not in workflow history. Empty when it could not be drawn (summary.degraded). */
    chart_png: p.blob().lazy(),
    workflow_id: p.string().length(255).unique(),
    created_at: p.datetime().onCreate(() => new Date()).index(),
  },
});

export class Report extends ReportSchema.class {}
ReportSchema.setClass(Report);
