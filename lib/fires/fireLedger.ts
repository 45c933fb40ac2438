import { ScheduleNotFoundError, type ScheduleDescription } from '@temporalio/client';
import { msNumberToTs, tsToDate } from '@temporalio/common/lib/time.js';
import type { JobRun, JobSchedule } from '../../db/entities/index.ts';
import { inTransaction, type Orm } from '../../db/orm.ts';
import { addFireRecord, ledgerPositionOf } from '../../db/repositories/fireRecords.ts';
import { findRunsAround } from '../../db/repositories/jobRuns.ts';
import { findActiveJobSchedules } from '../../db/repositories/jobSchedules.ts';
import { scheduleIdFor } from '../../workflows/names.ts';
import type { Logger } from '../logger.ts';
import { fireTimeOfAction, leadOfSchedule } from '../startAhead.ts';
import { withTemporalDeadline, type TemporalClient } from '../temporal.ts';
import { decideFires, type FireDecision, type LedgerRun, type ScheduleFacts } from './fireOutcome.ts';
import type { FireReporter } from './fireReporter.ts';

export interface FireLedgerDeps {
  orm: Orm;
  temporal: TemporalClient;
  logger: Logger;
  report: FireReporter;
}

/**
 * Settles every past fire time of every job into the ledger (README, "The fire ledger"). The fire times come from the
 * schedule's spec through Temporal (ListScheduleMatchingTimes), the outcomes from the job's runs and describe(). Safe in
 * several processes at once: each fire is inserted once (unique job and nominal time), and only the process whose insert
 * landed counts, logs and notifies it.
 */
export class FireLedger {
  readonly #deps: FireLedgerDeps;
  readonly #graceMs: number;
  /** When this process first saw a schedule paused that its row still shows enabled (a CLI pause not yet adopted). */
  readonly #seenPausedAt = new Map<number, Date>();
  /** Jobs with nothing to settle before this time, as long as their row is unchanged (by updated_at). */
  readonly #idleUntil = new Map<number, { until: number; updatedAt: number }>();

  constructor(deps: FireLedgerDeps, graceMs: number) {
    this.#deps = deps;
    this.#graceMs = graceMs;
  }

  /** One pass over all active jobs; returns the fires this process settled. */
  async settleAll(now = new Date()): Promise<FireDecision[]> {
    const jobs = await inTransaction(this.#deps.orm, (em) => findActiveJobSchedules(em));
    const settled: FireDecision[] = [];
    for (const job of jobs) {
      const idle = this.#idleUntil.get(job.id);
      if (idle && idle.until > now.getTime() && idle.updatedAt === job.updated_at.getTime()) continue;
      try {
        settled.push(...(await this.settleJob(job, now)));
      } catch (error) {
        this.#deps.logger.warn({ err: error, job_id: job.id }, 'could not settle the fires of this job; will try again next pass');
      }
    }
    return settled;
  }

  /** Settles the job's fire times up to `now` (less the grace, but paused ones at once); returns those this process wrote. */
  async settleJob(job: JobSchedule, now = new Date()): Promise<FireDecision[]> {
    const { orm, temporal } = this.#deps;
    const scheduleId = scheduleIdFor(job.id);
    const description = await withTemporalDeadline(temporal, () => temporal.client.schedule.getHandle(scheduleId).describe()).catch((error: unknown) => {
      // The schedule reconciler recreates a missing schedule; until then there is nothing to read.
      if (error instanceof ScheduleNotFoundError) return null;
      throw error;
    });
    if (!description) return [];
    const position = await inTransaction(orm, (em) => ledgerPositionOf(em, job.id));
    const from = position.lastNominalTime ?? firstSettledAfter(job, description, now);
    // A schedule that starts ahead acts `lead` before each fire: its times are moved back to the fires they are for.
    const lead = leadOfSchedule(description.action.memo);
    const actionTimes = await fireTimesBetween(temporal, scheduleId, new Date(from.getTime() - lead), new Date(now.getTime() - lead));
    const times = actionTimes.map((time) => fireTimeOfAction(time, lead));
    const facts = this.#factsOf(job, description, position.missedCatchup, now, lead);
    const runs = times.length ? await inTransaction(orm, (em) => findRunsAround(em, job.id, from, now)) : [];
    const decisions = decideFires(times, runs.map(ledgerRunOf), facts, { now, graceMs: this.#graceMs, previousTime: from });
    if (decisions.length === times.length && !description.state.paused) this.#markIdle(job, description, lead);
    else this.#idleUntil.delete(job.id);
    const written: FireDecision[] = [];
    for (const decision of decisions) {
      const landed = await inTransaction(orm, (em) => addFireRecord(em, { job_id: job.id, ...decision }));
      if (!landed) continue;
      written.push(decision);
      await this.#deps.report(job, decision);
    }
    return written;
  }

  #factsOf(job: JobSchedule, description: ScheduleDescription, missedCatchup: number, now: Date, lead: number): ScheduleFacts {
    const paused = description.state.paused;
    if (!paused || !job.enabled) this.#seenPausedAt.delete(job.id);
    else if (!this.#seenPausedAt.has(job.id)) this.#seenPausedAt.set(job.id, now);
    // Keel's own pause (API, or a CLI pause the reconciler adopted) dates from the row's change; another only from when this process saw it.
    const pausedSince = !paused ? null : !job.enabled ? job.updated_at : this.#seenPausedAt.get(job.id)!;
    return {
      overlap: job.overlap,
      catchupWindowS: job.catchup_window,
      pausedSince,
      pauseNote: description.state.note ?? job.pause_note ?? null,
      recentActions: description.info.recentActions.map((action) => ({ scheduledAt: fireTimeOfAction(action.scheduledAt, lead), takenAt: action.takenAt, workflowId: action.action.workflow.workflowId })),
      noRemainingActions: description.state.remainingActions === 0,
      unrecordedMissedCatchup: Math.max(0, description.info.numActionsMissedCatchupWindow - missedCatchup),
    };
  }

  /** Nothing to do for this job before its next fire time has passed by the grace. */
  #markIdle(job: JobSchedule, description: ScheduleDescription, lead: number): void {
    const next = description.info.nextActionTimes[0];
    if (next) this.#idleUntil.set(job.id, { until: fireTimeOfAction(next, lead).getTime() + this.#graceMs, updatedAt: job.updated_at.getTime() });
    else this.#idleUntil.delete(job.id);
  }
}

/** How far back the ledger of a job with no row yet begins, at most: a job from before the ledger existed starts from here. */
export const FIRST_LOOKBACK_MS = 86_400_000;

/** A new ledger begins when both the row and its schedule existed (the schedule is created just after the row), at most a day back. */
function firstSettledAfter(job: JobSchedule, description: ScheduleDescription, now: Date): Date {
  return new Date(Math.max(job.created_at.getTime(), description.info.createdAt.getTime(), now.getTime() - FIRST_LOOKBACK_MS));
}

function ledgerRunOf(run: JobRun): LedgerRun {
  return { run_id: run.run_id, workflow_id: run.workflow_id, status: run.status, scheduled_for: run.scheduled_for ?? null, enqueued_at: run.enqueued_at, started_at: run.started_at ?? null, finished_at: run.finished_at ?? null, error: run.error ?? null };
}

/** The schedule's fire times in (from, to], as its spec gives them, asked in pages (the server bounds each answer). */
export async function fireTimesBetween(temporal: TemporalClient, scheduleId: string, from: Date, to: Date): Promise<Date[]> {
  const times: Date[] = [];
  let after = from.getTime();
  for (;;) {
    const { startTime } = await withTemporalDeadline(temporal, () =>
      temporal.connection.workflowService.listScheduleMatchingTimes({ namespace: temporal.namespace, scheduleId, startTime: msNumberToTs(after), endTime: msNumberToTs(to.getTime()) }),
    );
    const page = (startTime ?? []).map((time) => tsToDate(time)).filter((time) => time.getTime() > after && time.getTime() <= to.getTime());
    if (page.length === 0) return times;
    times.push(...page);
    after = page.at(-1)!.getTime();
  }
}
