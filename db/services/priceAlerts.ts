import type { EntityManager } from '@mikro-orm/core';
import type { Config } from '../../lib/config.ts';
import { KeelError } from '../../lib/errors.ts';
import type { PriceAlertParams } from '../../lib/jobParams/priceAlert.ts';
import type { Notification } from '../../lib/notify/index.ts';
import { addNotificationOnce } from '../../notifications/outbox.ts';
import { decidePriceAlert, type PriceObservation } from '../../workflows/priceCondition.ts';
import type { Notification as NotificationRow } from '../entities/index.ts';
import { inTransaction, type Orm } from '../orm.ts';
import { recordFiredAlert, type FiredAlert } from '../repositories/alerts.ts';
import { loadPriceAlertState, savePriceAlertState } from '../repositories/priceAlertStates.ts';

export interface PriceAlertStep {
  job_id: number;
  workflow_id: string;
  params: Pick<PriceAlertParams, 'condition' | 'value' | 'mode'>;
  observation: PriceObservation;
}

/** A fired alert as a workflow sends it: `fired_at` is the ISO time the workflow saw it fire. */
export type FiredAlertInput = Omit<FiredAlert, 'fired_at'> & { fired_at: string };

/** A run's decision, with what to write should it fire. */
export interface PriceAlertFire extends PriceAlertStep {
  alert: FiredAlertInput;
  notification: Notification;
}

export interface PriceAlertDecision {
  triggered: boolean;
  /** What this call decided on; absent when a retry found the run's earlier decision. */
  evaluated?: { previous_price: number | null; price: number; armed: boolean };
}

/** Decides one run against the job's stored state and stores the next, atomically; a retry of the same run gets the same answer. */
export function advancePriceAlert(orm: Orm, step: PriceAlertStep): Promise<PriceAlertDecision> {
  return inTransaction(orm, (em) => decideOnce(em, step));
}

/**
 * One price alert run's whole write, in one transaction: the decision and the next state, and when it fires the
 * alert and its notification in the outbox. All of it lands or none; a retry finds what the first call wrote.
 */
export function firePriceAlert(orm: Orm, notify: Config['notify'], fire: PriceAlertFire): Promise<PriceAlertDecision & { queued?: { row: NotificationRow; created: boolean } }> {
  return inTransaction(orm, async (em) => {
    const decision = await decideOnce(em, fire);
    if (!decision.triggered) return decision;
    await recordFiredAlert(em, { ...fire.alert, fired_at: new Date(fire.alert.fired_at) });
    const queued = await addNotificationOnce(em, notify, fire.notification);
    await em.flush();
    return { ...decision, queued };
  });
}

/** The run's decision, once: a retry of a run that already decided gets that answer, whatever the price is now. */
async function decideOnce(em: EntityManager, step: PriceAlertStep): Promise<PriceAlertDecision> {
  const { state, row } = await loadPriceAlertState(em, step.job_id);
  if (row?.workflow_id === step.workflow_id) return { triggered: row.triggered };
  const { triggered, next } = decidePriceAlert(step.params, state, step.observation);
  const saved = await savePriceAlertState(em, step.job_id, row?.workflow_id ?? null, { ...next, workflow_id: step.workflow_id, triggered });
  // Another run of the job wrote in between: retried, this run decides again on what that one left.
  if (!saved) throw new KeelError(`another run of job ${step.job_id} changed its alert state`, { category: 'database', type: 'AlertStateConflict', retryable: true });
  return { triggered, evaluated: { previous_price: state.last_price, price: step.observation.price, armed: next.armed } };
}
