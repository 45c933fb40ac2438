import { randomBytes } from 'node:crypto';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, type ScheduleDescription } from '@temporalio/client';
import { JobRun, JobSchedule } from '../db/entities/index.ts';
import { inTransaction, type Orm } from '../db/orm.ts';
import { enqueueRun } from '../db/repositories/jobRuns.ts';
import { addJobSchedule, findJobSchedule, listJobSchedules, type JobScheduleFilter, type NewJobSchedule } from '../db/repositories/jobSchedules.ts';
import type { Page } from '../db/pagination.ts';
import { manualWorkflowIdFor, scheduleIdFor } from '../workflows/names.ts';
import { classifyError, KeelError, NotFoundError, ValidationError } from './errors.ts';
import { jobTypeDefinition, type JobTypeDefinition } from './jobTypes.ts';
import type { Logger } from './logger.ts';
import { jobInputOf, scheduleOptionsOf, workflowStartOf } from './scheduleOptions.ts';
import { deleteScheduleIfExists, withTemporalDeadline, type TemporalClient } from './temporal.ts';

const LIST_DEADLINE_MS = 2_000;

/** What Temporal says about a job's schedule right now. */
export interface LiveSchedule {
  paused: boolean;
  note: string | null;
  next_action_times: string[];
  recent_actions: { scheduled_at: string; taken_at: string; workflow_id: string; temporal_run_id: string }[];
  num_actions_taken: number;
}

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
  async create(input: NewJobSchedule): Promise<JobSchedule> {
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
      if (next !== undefined) job.next_run_at = next;
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
    await inTransaction(this.#orm, (em) => em.nativeDelete(JobSchedule, { id }));
  }

  /** Starts one run now, outside the schedule; the run is ENQUEUED before Temporal is asked, and removed if it refuses. */
  async trigger(id: number): Promise<{ workflow_id: string; run_id: number }> {
    const now = new Date();
    const { job, run } = await inTransaction(this.#orm, async (em) => {
      const job = await findJobSchedule(em, id);
      if (!job) throw new NotFoundError(`job ${id} does not exist`);
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
      // If the start did land after all, the worker's recorder writes the run again.
      await inTransaction(this.#orm, (em) => em.nativeDelete(JobRun, { run_id: run.run_id })).catch((cleanup: unknown) => this.#logger.warn({ err: cleanup, run_id: run.run_id }, 'could not remove the run of a refused trigger'));
      throw error;
    }
    return { workflow_id: run.workflow_id, run_id: run.run_id };
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
        await this.#temporal.client.schedule.getHandle(options.scheduleId).update(() => ({ spec: options.spec, action: options.action, policies: options.policies, state: { paused: !job.enabled, note: options.state?.note } }));
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
    return description?.info.nextActionTimes[0] ?? null;
  }
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
  return {
    paused: description.state.paused,
    note: description.state.note ?? null,
    next_action_times: description.info.nextActionTimes.map((time) => time.toISOString()),
    recent_actions: description.info.recentActions.map((action) => ({
      scheduled_at: action.scheduledAt.toISOString(),
      taken_at: action.takenAt.toISOString(),
      workflow_id: action.action.workflow.workflowId,
      temporal_run_id: action.action.workflow.firstExecutionRunId,
    })),
    num_actions_taken: description.info.numActionsTaken,
  };
}
