import type { EntityManager } from '@mikro-orm/core';
import { Alert } from '../entities/index.ts';
import { toPage, type Page } from '../pagination.ts';

export interface FiredAlert {
  job_id: number;
  job_type: string;
  user_id: number;
  symbol: string;
  condition: string;
  value: number;
  price: number;
  fired_at: Date;
  workflow_id: string;
  temporal_run_id: string;
}

/** The alert a run fired, written once: a retry or a replay of the same run finds the row it wrote. */
export async function recordFiredAlert(em: EntityManager, alert: FiredAlert): Promise<Alert> {
  return (await em.findOne(Alert, { workflow_id: alert.workflow_id })) ?? em.create(Alert, alert);
}

/** A job's fired alerts, newest first. */
export async function listAlerts(em: EntityManager, filter: { job_id: number; cursor?: number; limit: number }): Promise<Page<Alert>> {
  const rows = await em.find(Alert, { job_id: filter.job_id, ...(filter.cursor !== undefined ? { id: { $lt: filter.cursor } } : {}) }, { orderBy: { id: 'desc' }, limit: filter.limit + 1 });
  return toPage(rows, filter.limit, (alert) => alert.id);
}
