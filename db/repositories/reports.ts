import type { EntityManager } from '@mikro-orm/core';
import { Report, type ReportSummary } from '../entities/index.ts';

export interface NewReport {
  job_id: number;
  user_id: number;
  symbol: string;
  interval: string;
  summary: ReportSummary;
  chart_png: Buffer;
  workflow_id: string;
}

/** The report a run wrote, if it wrote one already (a retried activity finds it instead of writing another). */
export function findReportOfRun(em: EntityManager, workflowId: string): Promise<Report | null> {
  return em.findOne(Report, { workflow_id: workflowId });
}

export function addReport(em: EntityManager, report: NewReport): Report {
  return em.create(Report, report);
}

/** A report with its chart loaded (the chart is lazy everywhere else). */
export function findReportWithChart(em: EntityManager, id: number): Promise<Report | null> {
  return em.findOne(Report, { id }, { populate: ['chart_png'] });
}
