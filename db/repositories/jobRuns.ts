import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import { JobRun, type RunError, type RunStatus } from '../entities/index.ts';
import { toPage, type Page } from '../pagination.ts';

export interface RunStart {
  workflow_id: string;
  temporal_run_id: string;
  job_id: number;
  job_type: string;
  user_id: number;
  job_snapshot: Record<string, unknown>;
  scheduled_for: Date;
  enqueued_at: Date;
  started_at: Date;
  worker_id: string;
}

export interface RunEnd {
  workflow_id: string;
  status: Extract<RunStatus, 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT'>;
  result?: Record<string, unknown> | null;
  error?: RunError | null;
  finished_at: Date;
}

/** A run the API has asked Temporal to start: visible as ENQUEUED until a worker picks it up. */
export function enqueueRun(em: EntityManager, run: Omit<RunStart, 'temporal_run_id' | 'started_at' | 'worker_id'>): JobRun {
  return em.create(JobRun, { ...run, status: 'ENQUEUED', started_at: null, temporal_run_id: null, worker_id: null, result: null, error: null, finished_at: null });
}

/** Marks the run RUNNING, creating it when the schedule (not the API) started it; safe to repeat. */
export async function markRunStarted(em: EntityManager, start: RunStart): Promise<JobRun> {
  const run = await em.findOne(JobRun, { workflow_id: start.workflow_id });
  if (!run) return em.create(JobRun, { ...start, status: 'RUNNING', result: null, error: null, finished_at: null });
  if (run.status === 'ENQUEUED' || run.status === 'RUNNING') em.assign(run, { ...start, status: 'RUNNING' });
  return run;
}

/** Records how the run ended; safe to repeat. */
export async function markRunFinished(em: EntityManager, end: RunEnd): Promise<JobRun | null> {
  const run = await em.findOne(JobRun, { workflow_id: end.workflow_id });
  if (!run) return null;
  em.assign(run, { status: end.status, result: end.result ?? null, error: end.error ?? null, finished_at: end.finished_at });
  return run;
}

export interface RunFilter {
  job_id?: number;
  status?: RunStatus;
  cursor?: number;
  limit: number;
}

/** Newest first. */
export async function listRuns(em: EntityManager, filter: RunFilter): Promise<Page<JobRun>> {
  const where: FilterQuery<JobRun> = {};
  if (filter.job_id !== undefined) where.job_id = filter.job_id;
  if (filter.status) where.status = filter.status;
  if (filter.cursor !== undefined) where.run_id = { $lt: filter.cursor };
  const rows = await em.find(JobRun, where, { orderBy: { run_id: 'desc' }, limit: filter.limit + 1 });
  return toPage(rows, filter.limit, (run) => run.run_id);
}

export function findRun(em: EntityManager, runId: number): Promise<JobRun | null> {
  return em.findOne(JobRun, { run_id: runId });
}

export async function countRunsByTypeAndStatus(em: EntityManager): Promise<{ job_type: string; status: RunStatus; count: number }[]> {
  const rows = (await em
    .getConnection()
    // Inside the caller's transaction: SQLite has one connection, and a query outside it would wait forever.
    .execute('select job_type, status, count(*) as count from job_runs group by job_type, status', [], 'all', em.getTransactionContext())) as { job_type: string; status: RunStatus; count: number | string }[];
  return rows.map((row) => ({ job_type: row.job_type, status: row.status, count: Number(row.count) }));
}
