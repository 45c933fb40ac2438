import { log } from '@temporalio/activity';
import type { ReportSummary } from '../db/entities/index.ts';
import { inTransaction } from '../db/orm.ts';
import { addReport, findReportOfRun, findReportWithChart } from '../db/repositories/reports.ts';
import { businessError } from '../lib/errors.ts';
import { degradeOnFailure } from '../lib/recovery.ts';
import { MIN_REPORT_CANDLES, type ReportParams } from '../lib/jobParams/report.ts';
import type { Notification } from '../lib/notify/index.ts';
import { analyze } from '../lib/reports/analysis.ts';
import { renderChartPng } from '../lib/reports/chart.ts';
import type { WorkerServices } from '../workers/services.ts';
import { createNotificationActivities } from './notifications.ts';

export interface ReportRequest {
  job_id: number;
  user_id: number;
  name: string;
  symbol: string;
  params: ReportParams;
  workflow_id: string;
}

/** What the workflow keeps of a report: its id and figures; the chart stays in the database, out of workflow history. */
export interface BuiltReport {
  report_id: number;
  summary: ReportSummary;
}

/** Builds technical-analysis reports and delivers them with their chart. */
export function createReportActivities(services: WorkerServices) {
  const { orm, marketData } = services;
  const notifications = createNotificationActivities(services);
  return {
    /** Reads the candles, computes the figures, renders the chart and stores the report, once per run. */
    async buildReport(request: ReportRequest): Promise<BuiltReport> {
      const existing = await inTransaction(orm, (em) => findReportOfRun(em, request.workflow_id));
      if (existing) return { report_id: existing.id, summary: existing.summary };
      const { interval, candles: wanted } = request.params;
      // One more than wanted: the newest candle is usually still open, and its close is the last price.
      const candles = await marketData.getKlines(request.symbol, interval, wanted + 1);
      const now = Date.now();
      const closed = candles.filter((candle) => candle.close_time < now).slice(-wanted);
      if (closed.length < MIN_REPORT_CANDLES) throw businessError('InsufficientMarketData', `${request.symbol} has ${closed.length} closed ${interval} candles; a report needs at least ${MIN_REPORT_CANDLES}`);
      const { series, ...summary } = analyze(closed, candles.at(-1)!.close);
      const degraded: string[] = [];
      // The chart is not critical: a report that cannot draw it is delivered without it, and says so.
      const drawn = await degradeOnFailure('chart', () => renderChartPng({ title: `${request.symbol} ${interval}: ${request.name}`, candles: closed, analysis: { series, ...summary } }), degraded, (error) => {
        log.warn('report chart not drawn; delivering without it', { symbol: request.symbol, error: String(error) });
      });
      const chart = drawn ?? Buffer.alloc(0);
      const stored: ReportSummary = degraded.length ? { ...summary, degraded } : summary;
      const report = await inTransaction(orm, async (em) => {
        const row = (await findReportOfRun(em, request.workflow_id)) ?? addReport(em, { job_id: request.job_id, user_id: request.user_id, symbol: request.symbol, interval, summary: stored, chart_png: chart, workflow_id: request.workflow_id });
        await em.flush();
        return row;
      });
      log.info('report built', { report_id: report.id, symbol: request.symbol, interval, trend: summary.trend, chart_bytes: chart.length });
      return { report_id: report.id, summary: stored };
    },

    /** Sends the report's notification with its chart, loaded here so the picture never enters workflow history. */
    async deliverReport(reportId: number, notification: Notification): Promise<{ delivered: boolean }> {
      const report = await inTransaction(orm, (em) => findReportWithChart(em, reportId));
      if (!report) throw businessError('ReportNotFound', `report ${reportId} does not exist (removed by retention?)`);
      const image = report.chart_png.length ? { image_png_base64: Buffer.from(report.chart_png).toString('base64') } : {};
      const delivery = await notifications.sendNotification({ ...notification, ...image });
      return { delivered: delivery.delivered };
    },
  };
}

export type ReportActivities = ReturnType<typeof createReportActivities>;
