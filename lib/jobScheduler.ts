import { randomBytes } from 'node:crypto';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, type ScheduleDescription, type ScheduleHandle, type ScheduleOptions, type ScheduleUpdateOptions } from '@temporalio/client';
import type { EntityManager } from '@mikro-orm/core';
import { JobRun, JobSchedule } from '../db/entities/index.ts';
import { inTransaction, type Orm } from '../db/orm.ts';
import { enqueueRun } from '../db/repositories/jobRuns.ts';
import { rearmPriceAlert, resetPriceAlertState } from '../db/repositories/priceAlertStates.ts';
import { addJobSchedule, findJobSchedule, listJobSchedules, type JobScheduleFilter, type NewJobSchedule } from '../db/repositories/jobSchedules.ts';
import type { OverlapPolicy } from '../db/entities/JobSchedule.ts';
import type { Page } from '../db/pagination.ts';
import { manualWorkflowIdFor, scheduleIdFor } from '../workflows/names.ts';
import { classifyError, ConflictError, KeelError, NotFoundError, ValidationError } from './errors.ts';
import { temporalOverlapOf, type JobPolicies } from './jobPolicies.ts';
import { jobTypeDefinition, type JobTypeDefinition } from './jobTypes.ts';
import type { Logger } from './logger.ts';
import { countScheduleFires } from './scheduleFires.ts';
import { jobInputOf, scheduleOptionsOf, workflowStartOf, type ScheduledJob } from './scheduleOptions.ts';
import { fireTimeOfAction, leadOfSchedule, startAheadOf } from './startAhead.ts';
import { deleteScheduleIfExists, withTemporalDeadline, type TemporalClient } from './temporal.ts';

const LIST_DEADLINE_MS = 2_000;

/** What Temporal says about a job's schedule right now. */
export interface LiveSchedule {
  paused: boolean;
  note: string | null;
  /** The next fire times (Temporal acts start_ahead_ms before each). */
  next_action_times: string[];
  /** How long before each fire its run is started, to wait for the fire time (0: at it). */
  start_ahead_ms: number;
  recent_actions: { scheduled_at: string; taken_at: string; workflow_id: string; temporal_run_id: string }[];
  num_actions_taken: number;
  /** Fires left before the schedule stops (null: no limit). */
  remaining_actions: number | null;
}

/** What PATCH /jobs/{id} may change: everything but the owner and the job type. */
export type JobPatch = Partial<Pick<NewJobSchedule, 'name' | 'target' | 'task_params' | 'cron' | 'timezone' | 'enabled'> & JobPolicies>;

export interface BackfillRequest {
  start: Date;
  end: Date;
  overlap?: OverlapPolicy;
}

/** A note for Temporal and the row when the caller gave none. */
const DEFAULT_PAUSE_NOTE = 'paused through the Keel API';
const DEFAULT_RESUME_NOTE = 'resumed through the Keel API';
const DISABLED_NOTE = 'disabled through PATCH /jobs/{id}';

export interface JobSchedulerDeps {
  orm: Orm;
  temporal: TemporalClient;
  logger: Logger;
}

/**
 * Keeps each JobSchedule row (desired state) and its Temporal Schedule `job-<id>` (actual state) together,
 * without ever holding a database transaction open across a call to Temporal: the row's `state` says what is
 * in progress, and lib/jobReconciler.ts settles what a crash or an outage left half-way.
 */
export class JobScheduler {
  readonly #orm: Orm;
  readonly #temporal: TemporalClient;
  readonly #logger: Logger;

  constructor(deps: JobSchedulerDeps) {
    this.#orm = deps.orm;
    this.#temporal = deps.temporal;
    this.#logger = deps.logger;
  }

  /**
   * Writes the row as pending, creates the schedule, then marks the row active: no transaction is open while
   * Temporal is asked. A refused schedule removes the row at once; what a crash or an outage leaves pending,
   * the job reconciler removes (schedule included), so a job exists only once this answered.
   */
  async create(input: NewJobSchedule & Partial<JobPolicies>): Promise<JobSchedule> {
    const definition = requireDefinition(input.job_type);
    const job = await inTransaction(this.#orm, async (em) => {
      const job = addJobSchedule(em, input, 'pending');
      await em.flush();
      job.schedule_id = scheduleIdFor(job.id);
      return job;
    });
    try {
      await this.#withDeadline(() => this.#createSchedule(job, definition));
    } catch (error) {
      await this.#abandonPending(job, error);
      throw error;
    }
    const nextRunAt = await this.#withDeadline(() => this.#nextRunAt(job.schedule_id!)).catch(() => null);
    try {
      const updated = await inTransaction(this.#orm, (em) => em.nativeUpdate(JobSchedule, { id: job.id, state: 'pending' }, { state: 'active', next_run_at: nextRunAt, updated_at: new Date() }));
      if (updated === 0) throw new Error(`job ${job.id} was removed by the reconciler while it was being created`);
    } catch (error) {
      // Without its row the schedule must not fire; the reconciler removes the pending row.
      await this.#withDeadline(() => deleteScheduleIfExists(this.#temporal, job.schedule_id!)).catch(() => undefined);
      throw error;
    }
    job.state = 'active';
    job.next_run_at = nextRunAt;
    return job;
  }

  async get(id: number): Promise<{ job: JobSchedule; schedule: LiveSchedule | null }> {
    const job = await inTransaction(this.#orm, (em) => findJobSchedule(em, id));
    if (!job) throw new NotFoundError(`job ${id} does not exist`);
    const description = await this.#withDeadline(() => this.#describe(scheduleIdFor(id)));
    const schedule = description ? liveScheduleOf(description) : null;
    if (schedule) job.next_run_at = schedule.next_action_times[0] ? new Date(schedule.next_action_times[0]) : null;
    return { job, schedule };
  }

  /** A page of active jobs, each with the next fire time Temporal has now (the stored one when Temporal does not answer in time). */
  async list(filter: JobScheduleFilter): Promise<Page<JobSchedule>> {
    const page = await inTransaction(this.#orm, (em) => listJobSchedules(em, filter));
    const nextRuns = await this.#nextRunTimes(page.items.map((job) => scheduleIdFor(job.id)));
    for (const job of page.items) {
      const next = nextRuns.get(scheduleIdFor(job.id));
      // A listed schedule shows no action memo: how far ahead it starts is read from its row, as it was created.
      if (next !== undefined) job.next_run_at = next && fireTimeOfAction(next, startAheadOfRow(job));
    }
    return page;
  }

  /** Marks the row deleting, deletes the schedule, then the row; a delete cut short by an outage is finished by a retry or the reconciler. */
  async delete(id: number): Promise<void> {
    await inTransaction(this.#orm, async (em) => {
      const job = await findJobSchedule(em, id, ['active', 'deleting']);
      if (!job) throw new NotFoundError(`job ${id} does not exist`);
      job.state = 'deleting';
    });
    await this.#withDeadline(() => deleteScheduleIfExists(this.#temporal, scheduleIdFor(id)));
    await inTransaction(this.#orm, async (em) => {
      await resetPriceAlertState(em, id);
      await em.nativeDelete(JobSchedule, { id });
    });
  }

  /** The stored job alone, without asking Temporal (for validating a change against it). */
  async find(id: number): Promise<JobSchedule> {
    const job = await inTransaction(this.#orm, (em) => findJobSchedule(em, id));
    if (!job) throw new NotFoundError(`job ${id} does not exist`);
    return job;
  }

  /**
   * Updates the schedule in place (never delete-and-create: its history and info.createdAt stay), then the row. A refused
   * update leaves both as they were; a row write that fails after the schedule changed puts the schedule back.
   */
  async update(id: number, patch: JobPatch): Promise<JobSchedule> {
    const current = await this.find(id);
    const changes: Partial<JobSchedule> = { ...patch };
    if (patch.enabled !== undefined) changes.pause_note = patch.enabled ? null : DISABLED_NOTE;
    if (patch.enabled && !current.enabled) changes.failures_reset_at = new Date();
    const desired: ScheduledJob = { ...current, ...changes, id };
    const options = scheduleOptionsOf(desired, requireDefinition(current.job_type));
    const handle = this.#temporal.client.schedule.getHandle(scheduleIdFor(id));
    let previous: ScheduleDescription | undefined;
    try {
      await this.#withDeadline(() =>
        handle.update((prev) => {
          previous = prev;
          return updatedScheduleOf(prev, options, patch);
        }),
      );
    } catch (error) {
      throw asScheduleValidationError(missingScheduleAsConflict(error, id));
    }
    const nextRunAt = await this.#withDeadline(() => this.#nextRunAt(scheduleIdFor(id))).catch(() => null);
    try {
      return await inTransaction(this.#orm, async (em) => {
        const job = await findJobSchedule(em, id);
        if (!job) throw new NotFoundError(`job ${id} does not exist`);
        Object.assign(job, changes, { next_run_at: nextRunAt, updated_at: new Date() });
        // New params or another symbol: what earlier runs saw (previous price, a fired one-shot) no longer applies.
        if (patch.task_params !== undefined || patch.target !== undefined) await resetPriceAlertState(em, id);
        else if (patch.enabled === true) await rearmPriceAlert(em, id);
        return job;
      });
    } catch (error) {
      if (previous) await this.#restoreSchedule(handle, previous);
      throw error;
    }
  }

  /** Pauses the schedule with a reason, then marks the row disabled; a row write that fails unpauses it again. */
  async pause(id: number, note = DEFAULT_PAUSE_NOTE): Promise<JobSchedule> {
    return this.#setPaused(id, true, note);
  }

  /** Unpauses the schedule (the note says why), then marks the row enabled and clears its pause note. */
  async resume(id: number, note = DEFAULT_RESUME_NOTE): Promise<JobSchedule> {
    return this.#setPaused(id, false, note);
  }

  /**
   * Takes the actions the schedule would have taken over a past or future range, as if that time passed now. The fires
   * are counted first: a range with more than `maxFires` is refused (422 on end_time) before Temporal starts anything.
   */
  async backfill(id: number, request: BackfillRequest, maxFires: number): Promise<{ fires: number }> {
    const job = await this.find(id);
    const scheduleId = scheduleIdFor(id);
    const description = await this.#withDeadline(() => this.#describe(scheduleId));
    if (!description) throw missingScheduleAsConflict(new ScheduleNotFoundError('not found', scheduleId), id);
    // The range is of fire times; a schedule that starts ahead acts that much before each.
    const lead = leadOfSchedule(description.action.memo);
    const start = new Date(request.start.getTime() - lead);
    const end = new Date(request.end.getTime() - lead);
    const fires = await countScheduleFires(this.#temporal, scheduleId, start, end, maxFires);
    if (fires > maxFires) throw new ValidationError([{ path: 'end_time', message: `the range covers more than ${maxFires} fire times; backfill a shorter range` }]);
    if (fires === 0) return { fires };
    const overlap = temporalOverlapOf(request.overlap ?? job.overlap);
    await this.#withDeadline(() => this.#temporal.client.schedule.getHandle(scheduleId).backfill({ start, end, overlap }));
    return { fires };
  }

  /**
   * Starts one run now, outside the schedule; the run is ENQUEUED before Temporal is asked, and removed if it refuses.
   * With overlap `skip` it is refused (409) while a run of the job is ENQUEUED or RUNNING; without it, or with `allow_all`, it starts.
   * `mayStart` refuses it by throwing, in the same transaction that reads the job and enqueues the run.
   */
  async trigger(id: number, overlap?: 'skip' | 'allow_all', mayStart?: (em: EntityManager, job: JobSchedule) => Promise<void>): Promise<{ workflow_id: string; run_id: number }> {
    const now = new Date();
    const { job, run } = await inTransaction(this.#orm, async (em) => {
      const job = await findJobSchedule(em, id);
      if (!job) throw new NotFoundError(`job ${id} does not exist`);
      await mayStart?.(em, job);
      if (overlap === 'skip' && (await em.count(JobRun, { job_id: id, status: { $in: ['ENQUEUED', 'RUNNING'] } })) > 0) {
        throw new ConflictError(`a run of job ${id} is still going; trigger with overlap allow_all to start another anyway`);
      }
      const input = jobInputOf(job);
      const run = enqueueRun(em, {
        workflow_id: manualWorkflowIdFor(id, now, randomBytes(4).toString('hex')),
        job_id: id,
        job_type: job.job_type,
        user_id: job.user_id,
        job_snapshot: { ...input },
        scheduled_for: now,
        enqueued_at: now,
      });
      return { job, run };
    });
    const { workflowType, ...start } = workflowStartOf(job, requireDefinition(job.job_type));
    try {
      await this.#withDeadline(() => this.#temporal.client.workflow.start(workflowType, { workflowId: run.workflow_id, ...start }));
    } catch (error) {
      // Only while still ENQUEUED: a start that did land after all may already be RUNNING, and its recorder writes it again if not.
      await inTransaction(this.#orm, (em) => em.nativeDelete(JobRun, { run_id: run.run_id, status: 'ENQUEUED' })).catch((cleanup: unknown) => this.#logger.warn({ err: cleanup, run_id: run.run_id }, 'could not remove the run of a refused trigger'));
      throw error;
    }
    return { workflow_id: run.workflow_id, run_id: run.run_id };
  }

  async #setPaused(id: number, paused: boolean, note: string): Promise<JobSchedule> {
    await this.find(id);
    const handle = this.#temporal.client.schedule.getHandle(scheduleIdFor(id));
    const before = await this.#withDeadline(() => handle.describe()).catch((error: unknown) => {
      throw missingScheduleAsConflict(error, id);
    });
    await this.#withDeadline(() => (paused ? handle.pause(note) : handle.unpause(note)));
    try {
      return await inTransaction(this.#orm, async (em) => {
        const job = await findJobSchedule(em, id);
        if (!job) throw new NotFoundError(`job ${id} does not exist`);
        // A resume starts the failure count afresh, so pause_on_failure does not pause it again at the next failure.
        Object.assign(job, { enabled: !paused, pause_note: paused ? note : null, updated_at: new Date(), ...(paused ? {} : { failures_reset_at: new Date() }) });
        // Resuming a one-shot alert that fired (or a disarmed re-arm alert) lets it fire again.
        if (!paused) await rearmPriceAlert(em, id);
        return job;
      });
    } catch (error) {
      // Temporal ignores an empty pause or unpause note: the restore must say something.
      const restoreNote = before.state.note || 'restored: the job row could not be written';
      await this.#withDeadline(() => (before.state.paused ? handle.pause(restoreNote) : handle.unpause(restoreNote))).catch((undo: unknown) =>
        this.#logger.error({ err: undo, job_id: id }, 'could not restore the pause state of a schedule whose row write failed'),
      );
      throw error;
    }
  }

  /** Puts a schedule back as it was described; the job reconciler has the last word if even that fails. */
  async #restoreSchedule(handle: ScheduleHandle, previous: ScheduleDescription): Promise<void> {
    await this.#withDeadline(() => handle.update(() => previous)).catch((undo: unknown) =>
      this.#logger.error({ err: undo, schedule_id: handle.scheduleId }, 'could not restore a schedule whose row write failed'),
    );
  }

  #withDeadline<T>(call: () => Promise<T>): Promise<T> {
    return withTemporalDeadline(this.#temporal, call);
  }

  /** A schedule that was surely refused takes its row with it; when Temporal did not answer, the reconciler decides later. */
  async #abandonPending(job: JobSchedule, error: unknown): Promise<void> {
    const classified = classifyError(error);
    if (classified instanceof KeelError && classified.type === 'TemporalUnavailable') return;
    try {
      await inTransaction(this.#orm, (em) => em.nativeDelete(JobSchedule, { id: job.id, state: 'pending' }));
    } catch (cleanup) {
      this.#logger.warn({ err: cleanup, job_id: job.id }, 'could not remove a job whose schedule was refused; the reconciler will');
    }
  }

  async #createSchedule(job: JobSchedule, definition: JobTypeDefinition): Promise<void> {
    const options = scheduleOptionsOf(job, definition);
    try {
      await this.#temporal.client.schedule.create(options);
    } catch (error) {
      if (error instanceof ScheduleAlreadyRunning) {
        // An orphan from a create that crashed before its row committed: this row owns the ID now; its history stays.
        this.#logger.warn({ schedule_id: options.scheduleId }, 'taking over an orphaned schedule: updating it in place');
        await this.#temporal.client.schedule.getHandle(options.scheduleId).update(() => ({ spec: options.spec, action: options.action, policies: options.policies, state: { paused: !job.enabled, note: options.state?.note, remainingActions: options.state?.remainingActions } }));
        return;
      }
      throw asScheduleValidationError(error);
    }
  }

  async #describe(scheduleId: string): Promise<ScheduleDescription | null> {
    try {
      return await this.#temporal.client.schedule.getHandle(scheduleId).describe();
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return null;
      throw error;
    }
  }

  /** One visibility query for a page of schedules: their next action times, or nothing when Temporal is slow or down. */
  async #nextRunTimes(scheduleIds: string[]): Promise<Map<string, Date | null>> {
    const found = new Map<string, Date | null>();
    if (scheduleIds.length === 0) return found;
    const query = `ScheduleId IN (${scheduleIds.map((id) => JSON.stringify(id)).join(', ')})`;
    try {
      await this.#temporal.connection.withDeadline(Date.now() + LIST_DEADLINE_MS, async () => {
        for await (const schedule of this.#temporal.client.schedule.list({ query })) found.set(schedule.scheduleId, schedule.info.nextActionTimes[0] ?? null);
      });
    } catch (error) {
      this.#logger.warn({ err: error }, 'could not read next run times from Temporal; showing the stored ones');
    }
    return found;
  }

  async #nextRunAt(scheduleId: string): Promise<Date | null> {
    const description = await this.#describe(scheduleId);
    const next = description?.info.nextActionTimes[0];
    return next ? fireTimeOfAction(next, leadOfSchedule(description.action.memo)) : null;
  }
}

/**
 * The schedule's new spec, action and policies; its pause state and remaining actions stay as Temporal has them (they
 * change as it runs, or through the CLI) unless the patch sets `enabled` or `remaining_actions`.
 */
export function updatedScheduleOf(prev: ScheduleDescription, options: ScheduleOptions, patch: JobPatch): ScheduleUpdateOptions {
  const remainingActions = patch.remaining_actions !== undefined ? (patch.remaining_actions ?? undefined) : prev.state.remainingActions;
  return {
    spec: options.spec,
    action: options.action,
    policies: options.policies,
    state: {
      paused: patch.enabled !== undefined ? !patch.enabled : prev.state.paused,
      note: patch.enabled !== undefined ? options.state?.note : prev.state.note,
      ...(remainingActions !== undefined ? { remainingActions } : {}),
    },
  };
}

/** A job whose schedule was deleted outside Keel (the CLI, the Web UI) cannot be changed through it: 409, not 500. */
function missingScheduleAsConflict(error: unknown, id: number): unknown {
  if (!(error instanceof ScheduleNotFoundError)) return error;
  return new ConflictError(`job ${id} has no Temporal schedule (deleted outside Keel?): the schedule reconciler recreates it at its next pass, or now with POST /jobs/reconcile`);
}

/** How far ahead a row's schedule starts its runs, as scheduleOptionsOf builds it. */
function startAheadOfRow(job: JobSchedule): number {
  const definition = jobTypeDefinition(job.job_type);
  return (definition && startAheadOf(job, definition.run.startAheadMs)?.leadMs) ?? 0;
}

function requireDefinition(jobType: string): JobTypeDefinition {
  const definition = jobTypeDefinition(jobType);
  if (!definition) throw new ValidationError([{ path: 'job_type', message: `unknown job type ${jobType}` }]);
  return definition;
}

/**
 * Whether the server refused the schedule spec. The SDK turns exactly that INVALID_ARGUMENT into a bare TypeError
 * thrown from its rethrowGrpcError; every other TypeError is a bug of ours and must stay a 500.
 */
export function isScheduleSpecRefusal(error: unknown): error is TypeError {
  return error instanceof TypeError && /\brethrowGrpcError\b/.test(error.stack ?? '');
}

/** The server is the judge of cron strings and time zones: its refusal becomes a field error. */
export function asScheduleValidationError(error: unknown): unknown {
  if (!isScheduleSpecRefusal(error)) return error;
  const path = /time ?zone|location/i.test(error.message) ? 'timezone' : 'cron';
  return new ValidationError([{ path, message: `rejected by Temporal: ${error.message}` }]);
}

export function liveScheduleOf(description: ScheduleDescription): LiveSchedule {
  const lead = leadOfSchedule(description.action.memo);
  return {
    paused: description.state.paused,
    note: description.state.note ?? null,
    next_action_times: description.info.nextActionTimes.map((time) => fireTimeOfAction(time, lead).toISOString()),
    start_ahead_ms: lead,
    recent_actions: description.info.recentActions.map((action) => ({
      scheduled_at: fireTimeOfAction(action.scheduledAt, lead).toISOString(),
      taken_at: action.takenAt.toISOString(),
      workflow_id: action.action.workflow.workflowId,
      temporal_run_id: action.action.workflow.firstExecutionRunId,
    })),
    num_actions_taken: description.info.numActionsTaken,
    remaining_actions: description.state.remainingActions ?? null,
  };
}
