import { defineEntity, p } from '@mikro-orm/core';

/** What became of one nominal fire time of a schedule (README, "The fire ledger"). */
export const FIRE_OUTCOMES = ['started', 'skipped_overlap', 'skipped_max_instances', 'missed_catchup', 'paused', 'not_started'] as const;
export type FireOutcome = (typeof FIRE_OUTCOMES)[number];

/** The fire ledger: exactly one row per job and nominal fire time, written once when the fire is settled. */
export const FireRecordSchema = defineEntity({
  name: 'FireRecord',
  tableName: 'fire_records',
  uniques: [{ properties: ['job_id', 'nominal_time'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    job_id: p.integer(),
    nominal_time: p.datetime(),
    outcome: p.enum(() => FIRE_OUTCOMES).$type<FireOutcome>(),
    reason: p.string().length(500).nullable(),
    /** Workflow start minus nominal time; null when nothing started. */
    delay_ms: p.integer().nullable(),
    /** The JobRun of a started fire (or of one refused by max_instances). */
    run_id: p.integer().nullable(),
    settled_at: p.datetime().onCreate(() => new Date()),
  },
});

export class FireRecord extends FireRecordSchema.class {}
FireRecordSchema.setClass(FireRecord);
