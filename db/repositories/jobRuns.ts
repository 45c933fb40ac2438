import type { EntityManager, FilterQuery, Transaction } from '@mikro-orm/core';
import { JobRun, JobSchedule, type RunError, type RunStatus } from '../entities/index.ts';
import { MAX_INSTANCES_ERROR, PAUSED_BEFORE_FIRE_ERROR } from '../../workflows/names.ts';
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

/** Statuses a run can still leave; every other status is final. */
export const OPEN_RUN_STATUSES = ['ENQUEUED', 'RUNNING'] as const satisfies RunStatus[];

/** A run the API has asked Temporal to start: visible as ENQUEUED until a worker picks it up. */
export function enqueueRun(em: EntityManager, run: Omit<RunStart, 'temporal_run_id' | 'started_at' | 'worker_id'>): JobRun {
  return em.create(JobRun, { ...run, status: 'ENQUEUED', started_at: null, temporal_run_id: null, worker_id: null, result: null, error: null, finished_at: null });
}

/** Marks the run RUNNING, creating it when the schedule (not the API) started it; safe to repeat. */
export async function markRunStarted(em: EntityManager, start: RunStart): Promise<JobRun> {
  return markFoundRunStarted(em, start, await em.findOne(JobRun, { workflow_id: start.workflow_id }));
}

/** markRunStarted with the run's row already read (null when there is none yet). */
function markFoundRunStarted(em: EntityManager, start: RunStart, run: JobRun | null): JobRun {
  if (!run) return em.create(JobRun, { ...start, status: 'RUNNING', result: null, error: null, finished_at: null });
  if (run.status === 'ENQUEUED') em.assign(run, { ...start, status: 'RUNNING' });
  // A retried record, or the next run of a workflow that continued as new: the run keeps its start, and follows the latest execution.
  else if (run.status === 'RUNNING') em.assign(run, { temporal_run_id: start.temporal_run_id, worker_id: start.worker_id });
  return run;
}

/** Why a claim did not let the run do its work: the run is closed CANCELLED with this as its error. */
export interface RunRefusal {
  type: typeof MAX_INSTANCES_ERROR | typeof PAUSED_BEFORE_FIRE_ERROR;
  message: string;
}

const REFUSAL_TYPES: readonly string[] = [MAX_INSTANCES_ERROR, PAUSED_BEFORE_FIRE_ERROR];

/**
 * Marks the run RUNNING unless it is refused, and then closes it at once as CANCELLED with the refusal as its error:
 * - its job already has `max_instances` runs RUNNING. A limited job's row is write-locked before counting (a no-op
 *   update: a row lock on PostgreSQL, the database write lock on SQLite, where a transaction that read before another's
 *   write is refused and run again), so two starts of one job decide one after the other;
 * - it was started ahead of its fire time (README, "Start ahead") and its job was paused or deleted while it waited.
 * A retried claim answers as the first did; the next execution of a run that continued as new is never refused.
 */
export async function claimRunStart(em: EntityManager, start: RunStart): Promise<{ run: JobRun; refused: RunRefusal | null }> {
  const job = await em.findOne(JobSchedule, { id: start.job_id }, { fields: ['max_instances', 'enabled', 'state'] });
  const limit = job?.max_instances ?? null;
  // Only a limited job pays for the lock: the others never wait on each other here.
  if (limit !== null) await em.getConnection().execute('update job_schedules set max_instances = max_instances where id = ?', [start.job_id], 'run', em.getTransactionContext());
  const existing = await em.findOne(JobRun, { workflow_id: start.workflow_id });
  if (existing?.error && REFUSAL_TYPES.includes(existing.error.type)) return { run: existing, refused: { type: existing.error.type as RunRefusal['type'], message: existing.error.message } };
  if (existing && existing.status !== 'ENQUEUED') return { run: markFoundRunStarted(em, start, existing), refused: null };
  const refuse = (refusal: RunRefusal) => {
    const closed = { ...start, status: 'CANCELLED' as const, result: null, error: { ...refusal, non_retryable: true }, finished_at: start.started_at };
    return { run: existing ? em.assign(existing, closed) : em.create(JobRun, closed), refused: refusal };
  };
  const startedAhead = start.scheduled_for.getTime() > start.enqueued_at.getTime();
  if (startedAhead && (!job || !job.enabled || job.state === 'deleting')) {
    return refuse({ type: PAUSED_BEFORE_FIRE_ERROR, message: `job ${start.job_id} was paused or deleted while this run waited for its fire time: it did not do its work` });
  }
  if (limit !== null) {
    const going = await em.count(JobRun, { job_id: start.job_id, status: 'RUNNING', workflow_id: { $ne: start.workflow_id } });
    if (going >= limit) return refuse({ type: MAX_INSTANCES_ERROR, message: `job ${start.job_id} already had ${going} run(s) going (max_instances ${limit}): this run did not do its work` });
  }
  return { run: markFoundRunStarted(em, start, existing), refused: null };
}

/** Records how the run ended; safe to repeat. */
export async function markRunFinished(em: EntityManager, end: RunEnd): Promise<JobRun | null> {
  const run = await em.findOne(JobRun, { workflow_id: end.workflow_id });
  if (!run) return null;
  em.assign(run, { status: end.status, result: end.result ?? null, error: end.error ?? null, finished_at: end.finished_at });
  return run;
}

/** Runs still ENQUEUED or RUNNING that were enqueued before `before`, oldest first, a page after `afterRunId`. */
export function findOpenRunsEnqueuedBefore(em: EntityManager, before: Date, page: { afterRunId: number; limit: number }): Promise<JobRun[]> {
  return em.find(
    JobRun,
    { status: { $in: [...OPEN_RUN_STATUSES] }, enqueued_at: { $lt: before }, run_id: { $gt: page.afterRunId } },
    { orderBy: { run_id: 'asc' }, limit: page.limit },
  );
}

/** Closes a run only while it is still open, so a final status someone else wrote stays; true when this call closed it. */
export async function closeOpenRun(em: EntityManager, runId: number, end: Omit<RunEnd, 'workflow_id'> & { temporal_run_id: string | null }): Promise<boolean> {
  const changed = await em.nativeUpdate(
    JobRun,
    { run_id: runId, status: { $in: [...OPEN_RUN_STATUSES] } },
    {
      status: end.status,
      result: end.result ?? null,
      error: end.error ?? null,
      finished_at: end.finished_at,
      // A run Temporal never knew keeps the (empty) run ID it had.
      ...(end.temporal_run_id ? { temporal_run_id: end.temporal_run_id } : {}),
    },
  );
  return changed === 1;
}

/** Which of these workflow IDs already have a run. */
export async function workflowIdsWithRuns(em: EntityManager, workflowIds: string[]): Promise<Set<string>> {
  if (workflowIds.length === 0) return new Set();
  const rows = await em.find(JobRun, { workflow_id: { $in: workflowIds } }, { fields: ['workflow_id'] });
  return new Set(rows.map((run) => run.workflow_id));
}

/** A run of a workflow that ended without ever being recorded; the caller flushes (the unique workflow_id refuses a second one). */
export function addClosedRun(em: EntityManager, run: Omit<RunStart, 'started_at' | 'worker_id'> & Omit<RunEnd, 'workflow_id'> & { started_at: Date | null; worker_id: string | null }): JobRun {
  return em.create(JobRun, { ...run, result: run.result ?? null, error: run.error ?? null });
}

/** The runs of a job that bear on fires in [from, to]: those scheduled in it, and those going at some point of it. */
export function findRunsAround(em: EntityManager, jobId: number, from: Date, to: Date): Promise<JobRun[]> {
  return em.find(
    JobRun,
    { job_id: jobId, $or: [{ scheduled_for: { $gte: from, $lte: to } }, { enqueued_at: { $lte: to }, $or: [{ finished_at: null }, { finished_at: { $gte: from } }] }] },
    { orderBy: { run_id: 'asc' } },
  );
}

export interface RunFilter {
  job_id?: number;
  status?: RunStatus;
  cursor?: number;
  limit: number;
}

/** Newest first. */
/** A run as plain data, read without making a managed entity of it. */
export type RunRow = Pick<JobRun, 'run_id' | 'job_type' | 'job_id' | 'user_id' | 'status' | 'scheduled_for' | 'enqueued_at' | 'started_at' | 'finished_at' | 'job_snapshot' | 'result' | 'error' | 'worker_id' | 'workflow_id' | 'temporal_run_id'>;

/** A page of runs, newest first. Read as plain rows (types converted, no entities): half the time, and a tenth of the p99, of hydrating 50 entities (bench/README.md). */
export async function listRuns(em: EntityManager, filter: RunFilter): Promise<Page<RunRow>> {
  const where: FilterQuery<JobRun> = {};
  if (filter.job_id !== undefined) where.job_id = filter.job_id;
  if (filter.status) where.status = filter.status;
  if (filter.cursor !== undefined) where.run_id = { $lt: filter.cursor };
  // The driver's find: what em.find reads before it hydrates, in the caller's transaction.
  const rows = (await em.getDriver().find(JobRun, where, { orderBy: { run_id: 'desc' }, limit: filter.limit + 1, ctx: em.getTransactionContext<Transaction<unknown>>() })) as RunRow[];
  // SQLite hands JSON columns back as text until an entity is hydrated from them; PostgreSQL's driver parses jsonb.
  const json = em.getPlatform().constructor.name.startsWith('Sqlite') ? (value: unknown) => (typeof value === 'string' ? (JSON.parse(value) as unknown) : value) : (value: unknown) => value;
  const runs = rows.map((run) => ({ ...run, job_snapshot: json(run.job_snapshot), result: json(run.result), error: json(run.error) }) as RunRow);
  return toPage(runs, filter.limit, (run) => run.run_id);
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
