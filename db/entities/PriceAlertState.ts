import { defineEntity, p } from '@mikro-orm/core';

/** What a price alert remembers between runs: the previous price (for the crosses) and whether it may fire (one-shot, re-arm). */
export const PriceAlertStateSchema = defineEntity({
  name: 'PriceAlertState',
  tableName: 'price_alert_states',
  properties: {
    job_id: p.integer().primary().autoincrement(false),
    last_price: p.double().runtimeType('number').$type<number>().nullable(),
    armed: p.boolean().default(true),
    /** The run that wrote this state: a retry of that run gets its decision back instead of deciding again. */
    workflow_id: p.string().length(255),
    /** Whether that run fired. */
    triggered: p.boolean().default(false),
    updated_at: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

export class PriceAlertState extends PriceAlertStateSchema.class {}
PriceAlertStateSchema.setClass(PriceAlertState);
