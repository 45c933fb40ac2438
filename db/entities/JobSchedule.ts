import { defineEntity, p } from '@mikro-orm/core';

/** The desired state of one scheduled job; its Temporal Schedule `job-<id>` is the actual state. */
export const JobScheduleSchema = defineEntity({
  name: 'JobSchedule',
  tableName: 'job_schedules',
  properties: {
    id: p.integer().primary().autoincrement(),
    user_id: p.integer().index(),
    name: p.string().length(200),
    job_type: p.string().length(64).index(),
    target: p.string().length(200),
    task_params: p.json<Record<string, unknown>>(),
    cron: p.string().length(200),
    timezone: p.string().length(64).default('UTC'),
    enabled: p.boolean().default(true),
    next_run_at: p.datetime().nullable(),
    created_at: p.datetime().onCreate(() => new Date()),
    updated_at: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
    schedule_id: p.string().length(100).nullable(),
  },
});

export class JobSchedule extends JobScheduleSchema.class {}
JobScheduleSchema.setClass(JobSchedule);
