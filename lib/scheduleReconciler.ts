import { ScheduleNotFoundError, type ScheduleDescription, type ScheduleOptions } from '@temporalio/client';
import type { Counter } from 'prom-client';
import { JobSchedule } from '../db/entities/index.ts';
import { inTransaction, type Orm } from '../db/orm.ts';
import { allJobScheduleIds, findActiveJobSchedules } from '../db/repositories/jobSchedules.ts';
import { scheduleIdFor } from '../workflows/names.ts';
import { updatedScheduleOf } from './jobScheduler.ts';
import { jobTypeDefinition } from './jobTypes.ts';
import type { Logger } from './logger.ts';
import { adoptedPauseOf, canonicalJson, comparableOfDescription, comparableOfOptions, driftedParts } from './scheduleDrift.ts';
import type { OwnerAlert } from './ownerAlerts.ts';
import { isStaleProbe, newProbeScheduleId } from './probeSchedules.ts';
import { overdueFireOf } from './scheduleLiveness.ts';
import { scheduleOptionsOf } from './scheduleOptions.ts';
import { API_TEMPORAL_DEADLINE_MS, deleteScheduleIfExists, withTemporalDeadline, type TemporalClient } from './temporal.ts';

/** What one pass changed: job ids, except `deleted` (schedule ids with no row). */
export interface ScheduleReconciliation {
  recreated: number[];
  updated: number[];
  deleted: string[];
  adopted_pause: number[];
  /** Schedules that had stopped firing (next fire time long past): alerted, and created again. */
  repaired_stalled: number[];
}

export type ScheduleChange = 'recreated' | 'updated' | 'deleted' | 'adopted_pause' | 'repaired_stalled';

export interface ScheduleReconcilerDeps {
  orm: Orm;
  temporal: TemporalClient;
  logger: Logger;
  changes?: Counter<'change'>;
  /** How far past its next fire time a running schedule may be before it counts as stalled (liveness check). */
  livenessGraceMs?: number;
  /** Tells a job's owner that its schedule had stopped firing; failures are logged, never fatal. */
  alertOwner?: OwnerAlert;
  now?: () => Date;
}

/** Without configuration, a schedule 2 minutes behind its fire time is stalled. */
const DEFAULT_LIVENESS_GRACE_MS = 120_000;

/** Only Keel's own schedules are judged: `job-<digits>`; cron probes and anything else are left alone. */
const JOB_SCHEDULE_ID = /^job-(\d+)$/;
/** Enough for every distinct cron a platform has; the oldest goes first. */
const MAX_CACHED_SPECS = 1_000;
/** Listing pages through every schedule of the namespace: more time than one call, still bounded. */
const LIST_DEADLINE_MS = 10_000;

/**
 * Makes Temporal match the JobSchedule rows (the desired state): a missing `job-<id>` is recreated, a drifted spec,
 * policy or action is updated in place, a `job-<id>` with no row at all is deleted. Pause state goes the other way:
 * a pause or unpause made outside Keel (CLI, Web UI, pause-on-failure) is adopted into the row.
 */
export class ScheduleReconciler {
  readonly #deps: ScheduleReconcilerDeps;
  /** The described form of a desired spec never changes (the server's cron reading is fixed), so it is probed once. */
  readonly #describedSpecs = new Map<string, ScheduleDescription['spec']>();

  constructor(deps: ScheduleReconcilerDeps) {
    this.#deps = deps;
  }

  async reconcile(): Promise<ScheduleReconciliation> {
    const { orm, logger } = this.#deps;
    const result: ScheduleReconciliation = { recreated: [], updated: [], deleted: [], adopted_pause: [], repaired_stalled: [] };
    // Listed before the rows are read: a schedule listed here had its (pending) row written before it was created.
    const { jobs: listed, staleProbes } = await this.#listSchedules();
    const rows = await inTransaction(orm, (em) => findActiveJobSchedules(em));
    for (const row of rows) {
      try {
        await this.#reconcileJob(row, result);
      } catch (error) {
        logger.warn({ err: error, job_id: row.id, schedule_id: scheduleIdFor(row.id) }, 'could not reconcile a job schedule; will try again');
      }
    }
    const known = await inTransaction(orm, (em) => allJobScheduleIds(em));
    for (const scheduleId of listed) {
      const jobId = Number(JOB_SCHEDULE_ID.exec(scheduleId)![1]);
      if (known.has(jobId)) continue;
      try {
        await this.#withDeadline(() => this.#deps.temporal.client.schedule.getHandle(scheduleId).delete());
        this.#record(result, 'deleted', scheduleId, { schedule_id: scheduleId }, 'deleted a job schedule that has no row');
      } catch (error) {
        // The list lags behind deletes: one already gone (a job deleted through the API) is no change.
        if (!(error instanceof ScheduleNotFoundError)) logger.warn({ err: error, schedule_id: scheduleId }, 'could not delete an orphaned job schedule; will try again');
      }
    }
    await this.#deleteStaleProbes(staleProbes);
    return result;
  }

  /** Probe schedules whose delete failed (Temporal went away mid-check) are paused and harmless, but would pile up. */
  async #deleteStaleProbes(scheduleIds: string[]): Promise<void> {
    for (const scheduleId of scheduleIds) {
      await this.#withDeadline(() => deleteScheduleIfExists(this.#deps.temporal, scheduleId))
        .then(() => this.#deps.logger.info({ schedule_id: scheduleId }, 'deleted a probe schedule left behind'))
        .catch((error: unknown) => this.#deps.logger.warn({ err: error, schedule_id: scheduleId }, 'could not delete a probe schedule left behind; will try again'));
    }
  }

  async #reconcileJob(row: JobSchedule, result: ScheduleReconciliation): Promise<void> {
    const definition = jobTypeDefinition(row.job_type);
    if (!definition) throw new Error(`job ${row.id} has unknown job type ${row.job_type}`);
    const options = scheduleOptionsOf(row, definition);
    const handle = this.#deps.temporal.client.schedule.getHandle(options.scheduleId);
    const live = await this.#withDeadline(() => handle.describe()).catch((error: unknown) => {
      if (error instanceof ScheduleNotFoundError) return null;
      throw error;
    });
    const context = { job_id: row.id, schedule_id: options.scheduleId };
    if (!live) {
      // A DELETE may have started since the rows were read: a deleting row's schedule stays gone.
      const still = await inTransaction(this.#deps.orm, (em) => em.count(JobSchedule, { id: row.id, state: 'active' }));
      if (still === 0) return;
      await this.#withDeadline(() => this.#deps.temporal.client.schedule.create(options));
      this.#record(result, 'recreated', row.id, { ...context, cron: row.cron }, 'recreated a missing job schedule from its row');
      return;
    }
    const overdue = overdueFireOf(
      { paused: live.state.paused, nextActionTimes: live.info.nextActionTimes },
      this.#deps.now?.() ?? new Date(),
      this.#deps.livenessGraceMs ?? DEFAULT_LIVENESS_GRACE_MS,
      row.jitter * 1000,
    );
    // A row the CLI unpaused but Keel still has disabled is adopted first (below), and judged at the next pass.
    if (overdue && row.enabled) {
      await this.#repairStalled(row, options, live, overdue, result);
      return;
    }
    const adopted = adoptedPauseOf(live.state, row, options.state?.note);
    if (adopted) {
      const written = await inTransaction(this.#deps.orm, (em) => em.nativeUpdate(JobSchedule, { id: row.id, state: 'active' }, { ...adopted, updated_at: new Date() }));
      if (written > 0) this.#record(result, 'adopted_pause', row.id, { ...context, ...adopted }, 'adopted the schedule pause state into the job');
    }
    const desired = comparableOfOptions(options, await this.#describedSpec(options.spec));
    const drifted = driftedParts(comparableOfDescription(live), desired);
    if (drifted.length === 0) return;
    // Spec, action and policies go back to the row's; pause state and remaining actions stay as Temporal has them.
    await this.#withDeadline(() => handle.update((prev) => updatedScheduleOf(prev, options, {})));
    this.#record(result, 'updated', row.id, { ...context, drifted }, 'put a drifted job schedule back to its row');
  }

  /**
   * Temporal has had schedules silently stop firing: the owner is told, and the schedule is created again from its row
   * (keeping the fires it has left), which restarts its scheduler. The error log and the metric say it happened.
   */
  async #repairStalled(row: JobSchedule, options: ScheduleOptions, live: ScheduleDescription, overdue: Date, result: ScheduleReconciliation): Promise<void> {
    const { temporal, logger } = this.#deps;
    const context = { job_id: row.id, schedule_id: options.scheduleId, overdue_fire: overdue.toISOString() };
    logger.error(context, 'job schedule stopped firing: its next fire time is long past');
    const alert = {
      key: `stalled/${options.scheduleId}/${overdue.toISOString()}`,
      title: `Schedule stalled: ${row.name}`,
      text: `The schedule of job ${row.id} (${row.name}) had not fired since ${overdue.toISOString()}; Keel has recreated it.`,
      data: { overdue_fire: overdue.toISOString() },
    };
    await this.#deps.alertOwner?.(row, alert).catch((error: unknown) => logger.warn({ err: error, ...context }, 'could not alert the owner of a stalled schedule'));
    const remainingActions = live.state.remainingActions;
    await this.#withDeadline(() => deleteScheduleIfExists(temporal, options.scheduleId));
    await this.#withDeadline(() => temporal.client.schedule.create({ ...options, state: { ...options.state, ...(remainingActions !== undefined ? { remainingActions } : {}) } }));
    this.#record(result, 'repaired_stalled', row.id, context, 'recreated a stalled job schedule');
  }

  /** How Temporal describes a spec: a paused probe schedule is created with it, described and deleted. */
  async #describedSpec(spec: ScheduleOptions['spec']): Promise<ScheduleDescription['spec']> {
    const key = canonicalJson(spec);
    const cached = this.#describedSpecs.get(key);
    if (cached) return cached;
    const { temporal, logger } = this.#deps;
    const scheduleId = newProbeScheduleId('spec');
    await this.#withDeadline(() =>
      temporal.client.schedule.create({
        scheduleId,
        spec,
        action: { type: 'startWorkflow', workflowType: 'specProbe', taskQueue: 'cron-probe', args: [] },
        state: { paused: true, note: 'Keel schedule reconciler: deleted at once' },
      }),
    );
    try {
      const { spec: described } = await this.#withDeadline(() => temporal.client.schedule.getHandle(scheduleId).describe());
      if (this.#describedSpecs.size >= MAX_CACHED_SPECS) this.#describedSpecs.delete(this.#describedSpecs.keys().next().value!);
      this.#describedSpecs.set(key, described);
      return described;
    } finally {
      await this.#withDeadline(() => deleteScheduleIfExists(temporal, scheduleId)).catch((error: unknown) => logger.warn({ err: error, schedule_id: scheduleId }, 'could not delete a spec probe schedule'));
    }
  }

  /** The namespace's `job-<id>` schedules, and the probe schedules left behind. */
  async #listSchedules(): Promise<{ jobs: string[]; staleProbes: string[] }> {
    const jobs: string[] = [];
    const staleProbes: string[] = [];
    // The whole list under one deadline, as every other call: a pass must not hold up shutdown while Temporal is down.
    await this.#withDeadline(async () => {
      for await (const { scheduleId } of this.#deps.temporal.client.schedule.list()) {
        if (JOB_SCHEDULE_ID.test(scheduleId)) jobs.push(scheduleId);
        else if (isStaleProbe(scheduleId)) staleProbes.push(scheduleId);
      }
    }, LIST_DEADLINE_MS);
    return { jobs, staleProbes };
  }

  #record<K extends ScheduleChange>(result: ScheduleReconciliation, change: K, id: ScheduleReconciliation[K][number], context: Record<string, unknown>, message: string): void {
    (result[change] as (typeof id)[]).push(id);
    this.#deps.changes?.inc({ change });
    this.#deps.logger.info({ ...context, change }, message);
  }

  #withDeadline<T>(call: () => Promise<T>, timeoutMs = API_TEMPORAL_DEADLINE_MS): Promise<T> {
    return withTemporalDeadline(this.#deps.temporal, call, timeoutMs);
  }
}
