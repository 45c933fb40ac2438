import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { isGrpcServiceError, ServiceError, WorkflowFailedError, WorkflowNotFoundError, type WorkflowExecutionInfo } from '@temporalio/client';
import type { LoadedDataConverter, Payload } from '@temporalio/common';
import type proto from '@temporalio/proto';
import { JobSchedule, type JobRun } from '../db/entities/index.ts';
import { inTransaction, type Orm } from '../db/orm.ts';
import { addClosedRun, closeOpenRun, findOpenRunsEnqueuedBefore, workflowIdsWithRuns } from '../db/repositories/jobRuns.ts';
import { fireTimeOfExecution } from '../workflows/fireTime.ts';
import { JOB_ID_KEY, JOB_TYPE_KEY, JOB_USER_ID_KEY } from '../workflows/names.ts';
import type { JobMemo } from '../workflows/types.ts';
import type { Logger } from './logger.ts';
import type { RunError } from '../db/entities/index.ts';
import { pauseOnFailureStreak } from './failureStreak.ts';
import { recordRunFailure, withEventId, type ErrorEventRecorder } from './errorEvents.ts';
import { isClosedStatus, runOutcomeOf, type ClosedStatus, type RunOutcome } from './runOutcome.ts';
import type { TemporalClient } from './temporal.ts';

export interface RunReconcilerDeps {
  orm: Orm;
  temporal: TemporalClient;
  logger: Logger;
  /** Where a run closed here as FAILED or TIMED_OUT records its ErrorEvent. */
  errorEvents?: ErrorEventRecorder;
}

export interface ReconcileOptions {
  /** An open run younger than this is left alone: its workflow may not have started or been recorded yet. */
  graceMs?: number;
  /** How far back to look in Temporal for closed job workflows that have no run. */
  lookbackMs?: number;
}

export interface ReconcileCounts {
  closed: number;
  created: number;
}

export const DEFAULT_GRACE_MS = 30_000;
export const DEFAULT_LOOKBACK_MS = 24 * 60 * 60_000;
const PAGE_SIZE = 200;
// The server could not be reached: every further call in this pass would fail the same way.
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

/**
 * Closes every JobRun whose workflow ended where the run recorder could not see it (terminated, timed out,
 * never started, or recorded while the database was down), and adds the runs of closed job workflows that
 * have none, from Temporal's own record. Idempotent, and safe in two processes at once: it only moves a
 * run out of ENQUEUED or RUNNING, and the unique workflow_id refuses a second row.
 */
export async function reconcileRuns(deps: RunReconcilerDeps, options: ReconcileOptions = {}): Promise<ReconcileCounts> {
  const now = Date.now();
  const closed = await closeOpenRuns(deps, new Date(now - (options.graceMs ?? DEFAULT_GRACE_MS)));
  const created = await addMissingRuns(deps, new Date(now - (options.lookbackMs ?? DEFAULT_LOOKBACK_MS)));
  return { closed, created };
}

/** Closed job workflows, as the dev server's SQL visibility accepts it (no ORDER BY there); continued-as-new runs live on. */
export function closedJobWorkflowsQuery(closedAfter: Date): string {
  return `JobId > 0 AND ExecutionStatus != "Running" AND ExecutionStatus != "ContinuedAsNew" AND CloseTime > "${closedAfter.toISOString()}"`;
}

async function closeOpenRuns(deps: RunReconcilerDeps, enqueuedBefore: Date): Promise<number> {
  let closed = 0;
  for (let afterRunId = 0; ; ) {
    const page = await inTransaction(deps.orm, (em) => findOpenRunsEnqueuedBefore(em, enqueuedBefore, { afterRunId, limit: PAGE_SIZE }));
    for (const run of page) {
      if (await skippingFailure(deps, run.workflow_id, () => closeOpenRunFromTemporal(deps, run))) closed += 1;
    }
    if (page.length < PAGE_SIZE) return closed;
    afterRunId = page.at(-1)!.run_id;
  }
}

async function closeOpenRunFromTemporal(deps: RunReconcilerDeps, run: JobRun): Promise<boolean> {
  let description;
  try {
    // No run ID: the latest run, so a workflow that continued as new is judged by where it is now.
    description = await deps.temporal.client.workflow.getHandle(run.workflow_id).describe();
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    return closeRun(deps, run, { status: 'FAILED', result: null, error: unknownWorkflowError(run) }, { finished_at: new Date(), temporal_run_id: run.temporal_run_id ?? null });
  }
  const status = description.status.name;
  if (!isClosedStatus(status)) return false;
  const outcome = await outcomeOf(deps.temporal, run.workflow_id, description.runId, status);
  return closeRun(deps, run, outcome, { finished_at: description.closeTime ?? new Date(), temporal_run_id: description.runId });
}

function unknownWorkflowError(run: JobRun): RunError {
  if (run.status === 'ENQUEUED') return { type: 'NotStarted', message: `Temporal never started workflow ${run.workflow_id}`, non_retryable: true };
  // It ran once (a worker recorded it), so its history has gone: past the namespace's retention, or deleted.
  return { type: 'WorkflowNotFound', message: `Temporal no longer knows workflow ${run.workflow_id}`, non_retryable: true };
}

async function closeRun(deps: RunReconcilerDeps, run: JobRun, found: RunOutcome, at: { finished_at: Date; temporal_run_id: string | null }): Promise<boolean> {
  const outcome = { ...found, error: withEventId(found.status, found.error) };
  const changed = await inTransaction(deps.orm, (em) => closeOpenRun(em, run.run_id, { ...outcome, ...at }));
  if (changed) await countFailure(deps, run.job_id, outcome);
  if (changed) {
    if (deps.errorEvents) recordRunFailure(deps.errorEvents, run, outcome.status, outcome.error);
    deps.logger.info(
      { workflow_id: run.workflow_id, run_id: run.run_id, temporal_run_id: at.temporal_run_id, from: run.status, status: outcome.status, error_type: outcome.error?.type },
      'run closed from Temporal',
    );
  }
  return changed;
}

async function addMissingRuns(deps: RunReconcilerDeps, closedAfter: Date): Promise<number> {
  let created = 0;
  const batch: WorkflowExecutionInfo[] = [];
  for await (const execution of deps.temporal.client.workflow.list({ query: closedJobWorkflowsQuery(closedAfter) })) {
    batch.push(execution);
    if (batch.length === PAGE_SIZE) created += await addRunsMissingFrom(deps, batch.splice(0));
  }
  return created + (await addRunsMissingFrom(deps, batch));
}

async function addRunsMissingFrom(deps: RunReconcilerDeps, executions: WorkflowExecutionInfo[]): Promise<number> {
  const recorded = await inTransaction(deps.orm, (em) => workflowIdsWithRuns(em, executions.map((execution) => execution.workflowId)));
  let created = 0;
  for (const execution of executions) {
    if (recorded.has(execution.workflowId)) continue;
    // A workflow ID appears once per pass even if visibility lists it twice.
    recorded.add(execution.workflowId);
    if (await skippingFailure(deps, execution.workflowId, () => addRunFromTemporal(deps, execution))) created += 1;
  }
  return created;
}

async function addRunFromTemporal(deps: RunReconcilerDeps, execution: WorkflowExecutionInfo): Promise<boolean> {
  const status = execution.status.name;
  if (!isClosedStatus(status)) return false;
  const { workflowId, runId } = execution;
  const memo = (execution.memo ?? {}) as Partial<JobMemo>;
  const start = await startOf(deps.temporal, workflowId, runId);
  const jobId = memo.job_id ?? execution.typedSearchAttributes.get(JOB_ID_KEY);
  if (jobId === undefined) return false;
  // A workflow older than the job's row belongs to another database's job with that id (namespaces can be shared).
  const job = await inTransaction(deps.orm, (em) => em.findOne(JobSchedule, { id: jobId }, { fields: ['created_at'] }));
  if (!job || execution.startTime < job.created_at) return false;
  const outcome = await outcomeOf(deps.temporal, workflowId, runId, status);
  const row = {
    workflow_id: workflowId,
    temporal_run_id: runId,
    job_id: jobId,
    job_type: memo.job_type ?? execution.typedSearchAttributes.get(JOB_TYPE_KEY) ?? (typeof start.input.job_type === 'string' ? start.input.job_type : 'unknown'),
    user_id: memo.user_id ?? execution.typedSearchAttributes.get(JOB_USER_ID_KEY) ?? (typeof start.input.user_id === 'number' ? start.input.user_id : 0),
    job_snapshot: start.input,
    scheduled_for: fireTimeOfExecution(execution),
    enqueued_at: execution.startTime,
    started_at: start.workerStartedAt,
    worker_id: start.workerIdentity,
    ...outcome,
    error: withEventId(outcome.status, outcome.error),
    finished_at: execution.closeTime ?? new Date(),
  };
  let run: JobRun;
  try {
    run = await inTransaction(deps.orm, async (em) => {
      const added = addClosedRun(em, row);
      await em.flush();
      return added;
    });
  } catch (error) {
    // Another reconciler, or a late recorder, wrote it first: that row stands.
    if (error instanceof UniqueConstraintViolationException) return false;
    throw error;
  }
  if (deps.errorEvents) recordRunFailure(deps.errorEvents, run, row.status, row.error);
  deps.logger.info(
    { workflow_id: workflowId, run_id: run.run_id, temporal_run_id: runId, job_id: jobId, status: outcome.status, error_type: outcome.error?.type },
    'run added from Temporal',
  );
  await countFailure(deps, jobId, outcome);
  return true;
}

/** A run closed here (a timeout, a run no recorder saw) counts toward pause_on_failure like one the worker recorded. */
async function countFailure(deps: RunReconcilerDeps, jobId: number, outcome: RunOutcome): Promise<void> {
  if (outcome.status !== 'FAILED' && outcome.status !== 'TIMED_OUT') return;
  await pauseOnFailureStreak(deps, jobId).catch((error: unknown) => deps.logger.warn({ err: error, job_id: jobId }, 'could not check the failure streak'));
}

/** How a closed workflow run ended: its result when it completed, else the failure it closed with. */
async function outcomeOf(temporal: TemporalClient, workflowId: string, runId: string, status: ClosedStatus): Promise<RunOutcome> {
  try {
    const result: unknown = await temporal.client.workflow.getHandle(workflowId, runId, { followRuns: false }).result();
    return runOutcomeOf(status, { result });
  } catch (error) {
    if (!(error instanceof WorkflowFailedError)) throw error;
    return runOutcomeOf(status, { failure: error.cause ?? error });
  }
}

interface WorkflowStart {
  /** The workflow's first argument: the job as it was when the run started. */
  input: Record<string, unknown>;
  /** When and where a worker first took the workflow, or null if none ever did. */
  workerStartedAt: Date | null;
  workerIdentity: string | null;
}

/** Reads the first events of a run's history: the start with its input, and the first workflow task a worker took. */
async function startOf(temporal: TemporalClient, workflowId: string, runId: string): Promise<WorkflowStart> {
  const { history } = await temporal.connection.workflowService.getWorkflowExecutionHistory({
    namespace: temporal.namespace,
    execution: { workflowId, runId },
    // Started, workflow task scheduled, workflow task started.
    maximumPageSize: 3,
  });
  const events = history?.events ?? [];
  const started = events[0]?.workflowExecutionStartedEventAttributes;
  const taken = events.find((event) => event.workflowTaskStartedEventAttributes);
  const input = await decodeFirst(temporal.client.workflow.options.loadedDataConverter, started?.input?.payloads ?? []);
  return {
    input: input && typeof input === 'object' ? (input as Record<string, unknown>) : {},
    workerStartedAt: taken?.eventTime ? dateOf(taken.eventTime) : null,
    workerIdentity: taken?.workflowTaskStartedEventAttributes?.identity || null,
  };
}

async function decodeFirst(converter: LoadedDataConverter, payloads: Payload[]): Promise<unknown> {
  let decoded = payloads;
  // Codecs decode in the reverse of the order they encoded.
  for (const codec of [...converter.payloadCodecs].reverse()) decoded = await codec.decode(decoded);
  return decoded[0] === undefined ? undefined : converter.payloadConverter.fromPayload(decoded[0]);
}

function dateOf(timestamp: proto.google.protobuf.ITimestamp): Date {
  const seconds = timestamp.seconds ?? 0;
  return new Date((typeof seconds === 'number' ? seconds : seconds.toNumber()) * 1000 + Math.floor((timestamp.nanos ?? 0) / 1e6));
}

/** One run's trouble is logged and skipped so it cannot hold up the others; an unreachable server ends the pass. */
async function skippingFailure(deps: RunReconcilerDeps, workflowId: string, work: () => Promise<boolean>): Promise<boolean> {
  try {
    return await work();
  } catch (error) {
    if (isServerUnreachable(error)) throw error;
    deps.logger.warn({ err: error, workflow_id: workflowId }, 'could not reconcile this run; will try again next pass');
    return false;
  }
}

function isServerUnreachable(error: unknown): boolean {
  // The client wraps the gRPC error in its own ServiceError.
  const grpc = error instanceof ServiceError ? error.cause : error;
  if (!isGrpcServiceError(grpc)) return false;
  const code: number = grpc.code;
  return code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED;
}
