import { log } from '@temporalio/activity';
import { inTransaction, type Orm } from '../db/orm.ts';
import { recordFiredAlert, type FiredAlert } from '../db/repositories/alerts.ts';
import { loadPriceAlertState, savePriceAlertState } from '../db/repositories/priceAlertStates.ts';
import { KeelError, NotFoundError } from '../lib/errors.ts';
import type { PriceAlertParams } from '../lib/jobParams/priceAlert.ts';
import { JobScheduler } from '../lib/jobScheduler.ts';
import type { Logger } from '../lib/logger.ts';
import type { TemporalClient } from '../lib/temporal.ts';
import { decidePriceAlert, type PriceObservation } from '../workflows/priceCondition.ts';

export interface AlertDeps {
  orm: Orm;
  temporal: TemporalClient;
  logger: Logger;
}

export interface PriceAlertStep {
  job_id: number;
  workflow_id: string;
  params: Pick<PriceAlertParams, 'condition' | 'value' | 'mode'>;
  observation: PriceObservation;
}

/** A fired alert as a workflow sends it: `fired_at` is the ISO time the workflow saw it fire. */
export type FiredAlertInput = Omit<FiredAlert, 'fired_at'> & { fired_at: string };

/** What alert workflows write: the state a price alert keeps between runs, the history of fired alerts, a one-shot job's end. */
export function createAlertActivities({ orm, temporal, logger }: AlertDeps) {
  const scheduler = new JobScheduler({ orm, temporal, logger });
  return {
    /** Decides one run against the job's stored state and stores the next, atomically; a retry of the same run gets the same answer. */
    async advancePriceAlert(step: PriceAlertStep): Promise<{ triggered: boolean }> {
      return inTransaction(orm, async (em) => {
        const { state, row } = await loadPriceAlertState(em, step.job_id);
        if (row?.workflow_id === step.workflow_id) return { triggered: row.triggered };
        const { triggered, next } = decidePriceAlert(step.params, state, step.observation);
        const saved = await savePriceAlertState(em, step.job_id, row?.workflow_id ?? null, { ...next, workflow_id: step.workflow_id, triggered });
        // Another run of the job wrote in between: retried, this run decides again on what that one left.
        if (!saved) throw new KeelError(`another run of job ${step.job_id} changed its alert state`, { category: 'database', type: 'AlertStateConflict', retryable: true });
        log.info('price alert evaluated', { job_id: step.job_id, previous_price: state.last_price, price: step.observation.price, armed: next.armed, triggered });
        return { triggered };
      });
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
