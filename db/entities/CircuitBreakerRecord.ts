import { defineEntity, p } from '@mikro-orm/core';

/** One circuit breaker's state, shared by every worker process; `version` makes each change a compare-and-set. */
export const CircuitBreakerRecordSchema = defineEntity({
  name: 'CircuitBreakerRecord',
  tableName: 'circuit_breakers',
  properties: {
    name: p.string().length(64).primary(),
    state: p.string().length(16),
    failure_count: p.integer(),
    window_started_at: p.datetime().nullable(),
    opened_at: p.datetime().nullable(),
    next_attempt_at: p.datetime().nullable(),
    trials_in_flight: p.integer(),
    successes: p.integer(),
    forced: p.boolean(),
    version: p.integer(),
    updated_at: p.datetime(),
  },
});

export class CircuitBreakerRecord extends CircuitBreakerRecordSchema.class {}
CircuitBreakerRecordSchema.setClass(CircuitBreakerRecord);
