import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import { JobSchedule, KillSwitchEngagement } from '../db/entities/index.ts';
import { inTransaction, type Orm } from '../db/orm.ts';
import { findEngagedKillSwitch } from '../db/repositories/killSwitch.ts';
import type { Config } from '../lib/config.ts';
import { ConflictError, describeError } from '../lib/errors.ts';
import type { Exchanges } from '../lib/exchange/exchangeForBot.ts';
import type { JobScheduler } from '../lib/jobScheduler.ts';
import { jobTypeNamesOn } from '../lib/jobTypes.ts';
import type { Logger } from '../lib/logger.ts';
import { cancelOpenOrders, type CancelledOrder, type UncancelledOrder } from './openOrders.ts';

export interface KillSwitchDeps {
  orm: Orm;
  scheduler: JobScheduler;
  exchanges: Exchanges;
  config: Config;
  logger: Logger;
}

export interface JobFailure {
  id: number;
  error: string;
}

export interface Engaged {
  engagement: KillSwitchEngagement;
  failed_jobs: JobFailure[];
  cancelled_orders: CancelledOrder[];
  failed_orders: UncancelledOrder[];
}

export interface Resumed {
  engagement: KillSwitchEngagement;
  resumed_job_ids: number[];
  failed_jobs: JobFailure[];
}

/** The pause note of a job the kill switch paused: resume unpauses a job only while its note is still this one. */
export const killSwitchNote = (reason: string) => `kill switch: ${reason}`;

/**
 * The trading kill switch. Engaging records the engagement first, so the strategy_execution risk check refuses at once,
 * then pauses every enabled trading schedule through the job scheduler (row and Temporal together, as POST /jobs/{id}/pause)
 * and cancels open orders. A schedule or an order that resists is reported and does not stop the rest: nothing trades
 * while engaged anyway.
 */
export class KillSwitch {
  readonly #deps: KillSwitchDeps;

  constructor(deps: KillSwitchDeps) {
    this.#deps = deps;
  }

  /** The engagement in force, or null. */
  async current(): Promise<KillSwitchEngagement | null> {
    return inTransaction(this.#deps.orm, (em) => findEngagedKillSwitch(em));
  }

  async engage(reason: string, by: string): Promise<Engaged> {
    const { orm, scheduler, logger } = this.#deps;
    const engagement = await this.#open(reason, by);
    const note = killSwitchNote(reason);
    const jobs = await inTransaction(orm, (em) => em.find(JobSchedule, { job_type: { $in: jobTypeNamesOn('trading') }, state: 'active', enabled: true }, { orderBy: { id: 'asc' } }));
    const failed_jobs: JobFailure[] = [];
    for (const job of jobs) {
      try {
        await scheduler.pause(job.id, note);
        engagement.paused_job_ids = [...engagement.paused_job_ids, job.id];
        // Written after each pause, so resume finds every schedule this paused even if the request dies half-way.
        await inTransaction(orm, (em) => em.nativeUpdate(KillSwitchEngagement, { id: engagement.id }, { paused_job_ids: engagement.paused_job_ids }));
      } catch (error) {
        logger.error({ err: error, job_id: job.id }, 'kill switch: could not pause a trading job');
        failed_jobs.push({ id: job.id, error: describeError(error).message });
      }
    }
    const orders = await cancelOpenOrders(orm, this.#deps.exchanges, this.#deps.config.exchange.provider);
    for (const order of orders.failed) logger.error({ order_id: order.id, client_order_id: order.client_order_id, error: order.error }, 'kill switch: could not cancel an open order');
    logger.warn({ reason, by, paused_jobs: engagement.paused_job_ids, cancelled_orders: orders.cancelled.length }, 'kill switch engaged: trading stopped');
    return { engagement, failed_jobs, cancelled_orders: orders.cancelled, failed_orders: orders.failed };
  }

  /**
   * Clears the switch first (schedules that fired while still engaged would only fail the risk check), then unpauses the
   * jobs it paused that are still paused by it: one an operator resumed, re-paused or deleted meanwhile is left alone.
   */
  async resume(reason: string | null, by: string): Promise<Resumed> {
    const { orm, scheduler, logger } = this.#deps;
    const engagement = await inTransaction(orm, async (em) => {
      const open = await findEngagedKillSwitch(em);
      if (!open) throw new ConflictError('the kill switch is not engaged');
      return Object.assign(open, { engaged: null, resumed_at: new Date(), resumed_by: by, resume_reason: reason });
    });
    const note = killSwitchNote(engagement.reason);
    const stillPaused = await inTransaction(orm, (em) => em.find(JobSchedule, { id: { $in: engagement.paused_job_ids }, state: 'active', enabled: false, pause_note: note }, { orderBy: { id: 'asc' } }));
    const resumed_job_ids: number[] = [];
    const failed_jobs: JobFailure[] = [];
    for (const job of stillPaused) {
      try {
        await scheduler.resume(job.id, reason ? `kill switch released: ${reason}` : 'kill switch released');
        resumed_job_ids.push(job.id);
      } catch (error) {
        logger.error({ err: error, job_id: job.id }, 'kill switch: could not resume a trading job');
        failed_jobs.push({ id: job.id, error: describeError(error).message });
      }
    }
    logger.warn({ reason, by, resumed_jobs: resumed_job_ids }, 'kill switch released: trading resumed');
    return { engagement, resumed_job_ids, failed_jobs };
  }

  /** The engagement row is the switch: the unique `engaged` index makes a second one, even a racing one, a conflict. */
  async #open(reason: string, by: string): Promise<KillSwitchEngagement> {
    try {
      return await inTransaction(this.#deps.orm, async (em) => {
        const current = await findEngagedKillSwitch(em);
        if (current) throw engagedConflict(current);
        return em.create(KillSwitchEngagement, { engaged: true, reason, engaged_by: by, paused_job_ids: [] });
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw new ConflictError('the kill switch is already engaged');
      throw error;
    }
  }
}

/** A manual trigger of a trading job while the switch is engaged is refused before anything starts (409). */
export async function assertTradingAllowed(orm: Orm): Promise<void> {
  await inTransaction(orm, (em) => assertTradingAllowedIn(em));
}

/** assertTradingAllowed inside a unit of work the caller already has open. */
export async function assertTradingAllowedIn(em: EntityManager): Promise<void> {
  const engagement = await findEngagedKillSwitch(em);
  if (engagement) throw new ConflictError(`trading is stopped by the kill switch since ${engagement.engaged_at.toISOString()} (${engagement.reason}); POST /trading/resume first`);
}

function engagedConflict(current: KillSwitchEngagement): ConflictError {
  return new ConflictError(`the kill switch is already engaged (since ${current.engaged_at.toISOString()}: ${current.reason}); POST /trading/resume first`);
}
