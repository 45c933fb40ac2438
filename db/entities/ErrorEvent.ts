import { defineEntity, p } from '@mikro-orm/core';

export const ERROR_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type ErrorSeverity = (typeof ERROR_SEVERITIES)[number];

/** One error seen anywhere in Keel (the seed's ErrorEvent); `event_id` is a UUIDv7, so it sorts by time. */
export const ErrorEventSchema = defineEntity({
  name: 'ErrorEvent',
  tableName: 'error_events',
  indexes: [{ properties: ['severity', 'event_id'] }, { properties: ['component', 'event_id'] }],
  properties: {
    event_id: p.string().length(36).primary(),
    timestamp: p.datetime(),
    severity: p.string().length(16),
    /** Where it happened: a dependency (market_data, webhook, database), a job type, `api`, `circuit_breaker`. */
    component: p.string().length(64),
    error_type: p.string().length(128),
    message: p.text(),
    context: p.json<Record<string, unknown>>().nullable(),
    stack_trace: p.text().nullable(),
    user_id: p.integer().nullable(),
    session_id: p.string().length(255).nullable(),
    resolved: p.boolean().default(false),
    resolution_time: p.datetime().nullable(),
  },
});

export class ErrorEvent extends ErrorEventSchema.class {}
ErrorEventSchema.setClass(ErrorEvent);
