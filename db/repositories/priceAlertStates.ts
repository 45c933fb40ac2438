import type { EntityManager } from '@mikro-orm/core';
import { PriceAlertState } from '../entities/index.ts';
import { INITIAL_PRICE_ALERT_STATE, type PriceAlertState as State } from '../../workflows/priceCondition.ts';

/** The state a job's next run starts from, and the run that last wrote it. */
export async function loadPriceAlertState(em: EntityManager, jobId: number): Promise<{ state: State; row: PriceAlertState | null }> {
  const row = await em.findOne(PriceAlertState, { job_id: jobId });
  return { state: row ? { last_price: row.last_price ?? null, armed: row.armed } : INITIAL_PRICE_ALERT_STATE, row };
}

/**
 * Writes the state a run left, only over the state it read (`readFrom`: the workflow ID that wrote it, null for none):
 * false when another run of the job wrote in between, so the caller decides again on fresh state.
 */
export async function savePriceAlertState(em: EntityManager, jobId: number, readFrom: string | null, written: State & { workflow_id: string; triggered: boolean }): Promise<boolean> {
  const values = { ...written, updated_at: new Date() };
  // A concurrent first run inserting the same job_id makes this insert fail on the primary key: the activity is retried.
  if (readFrom === null) return (await em.insert(PriceAlertState, { job_id: jobId, ...values })) !== undefined;
  return (await em.nativeUpdate(PriceAlertState, { job_id: jobId, workflow_id: readFrom }, values)) === 1;
}

/** Forgets what a job's runs saw (its params changed or it was deleted): the next run starts afresh. */
export function resetPriceAlertState(em: EntityManager, jobId: number): Promise<number> {
  return em.nativeDelete(PriceAlertState, { job_id: jobId });
}

/** Lets a one-shot or re-arm alert fire again (its job was resumed), keeping the previous price. */
export function rearmPriceAlert(em: EntityManager, jobId: number): Promise<number> {
  return em.nativeUpdate(PriceAlertState, { job_id: jobId }, { armed: true });
}
