import { log } from '@temporalio/activity';
import { inTransaction, type Orm } from '../db/orm.ts';
import { recordFiredAlert } from '../db/repositories/alerts.ts';
import { advancePriceAlert, firePriceAlert, type FiredAlertInput, type PriceAlertDecision, type PriceAlertFire, type PriceAlertStep } from '../db/services/priceAlerts.ts';
import type { Config } from '../lib/config.ts';
import { NotFoundError } from '../lib/errors.ts';
import { JobScheduler } from '../lib/jobScheduler.ts';
import type { Logger } from '../lib/logger.ts';
import type { TemporalClient } from '../lib/temporal.ts';
import { kickDelivery } from '../notifications/kick.ts';

export interface AlertDeps {
  config: Config;
  orm: Orm;
  temporal: TemporalClient;
  logger: Logger;
}

/** What alert workflows write: the state a price alert keeps between runs, the history of fired alerts, a one-shot job's end. */
export function createAlertActivities({ config, orm, temporal, logger }: AlertDeps) {
  const scheduler = new JobScheduler({ orm, temporal, logger });
  return {
    /** Decides one run against the job's stored state and stores the next, atomically; a retry of the same run gets the same answer. */
    async advancePriceAlert(step: PriceAlertStep): Promise<{ triggered: boolean }> {
      const { triggered, evaluated } = await advancePriceAlert(orm, step);
      logEvaluated(step.job_id, triggered, evaluated);
      return { triggered };
    },

    /** The decision, the alert and its notification in one transaction (db/services/priceAlerts.ts); then wakes the delivery. */
    async firePriceAlert(fire: PriceAlertFire): Promise<{ triggered: boolean }> {
      const { triggered, evaluated, queued } = await firePriceAlert(orm, config.notify, fire);
      logEvaluated(fire.job_id, triggered, evaluated);
      if (queued) {
        const { row, created } = queued;
        log.info('notification queued', { notification_id: row.id, channel: row.channel, status: row.status, created, idempotency_key: row.idempotency_key });
        // Best effort: the notification_batch schedule delivers it anyway.
        if (row.status === 'pending') await kickDelivery(temporal, logger);
      }
      return { triggered };
    },

    /** Adds the fired alert to the history once per run; answers its id. */
    async recordAlert(alert: FiredAlertInput): Promise<number> {
      const row = await inTransaction(orm, async (em) => {
        const recorded = await recordFiredAlert(em, { ...alert, fired_at: new Date(alert.fired_at) });
        await em.flush();
        return recorded;
      });
      return row.id;
    },

    /** Disables a job the way POST /jobs/{id}/pause does (row disabled, schedule paused with the note); false when the job is gone. */
    async disableJob(jobId: number, note: string): Promise<boolean> {
      try {
        await scheduler.pause(jobId, note);
        return true;
      } catch (error) {
        if (error instanceof NotFoundError) return false;
        throw error;
      }
    },
  };
}

export type AlertActivities = ReturnType<typeof createAlertActivities>;

function logEvaluated(jobId: number, triggered: boolean, evaluated: PriceAlertDecision['evaluated']): void {
  if (evaluated) log.info('price alert evaluated', { job_id: jobId, ...evaluated, triggered });
}
