import { defineEntity, p } from '@mikro-orm/core';

/** One fired alert (price or indicator): the history of what fired, when, at what price, in which run. */
export const AlertSchema = defineEntity({
  name: 'Alert',
  tableName: 'alerts',
  indexes: [{ properties: ['job_id', 'fired_at'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    job_id: p.integer(),
    job_type: p.string().length(64),
    user_id: p.integer(),
    symbol: p.string().length(200),
    /** `above`, `crosses_below`, `change_pct`, … (indicator alerts: `rsi below`). */
    condition: p.string().length(100),
    /** The threshold the condition compared with (the band, for a Bollinger alert). */
    value: p.double().runtimeType('number').$type<number>(),
    price: p.double().runtimeType('number').$type<number>(),
    fired_at: p.datetime().index(),
    /** One alert per run: a retried activity or a replay finds the row this run wrote. */
    workflow_id: p.string().length(255).unique(),
    temporal_run_id: p.string().length(64),
  },
});

export class Alert extends AlertSchema.class {}
AlertSchema.setClass(Alert);
