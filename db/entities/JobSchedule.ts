import { defineEntity, p } from '@mikro-orm/core';

/** What a schedule does with a fire while an earlier run of the job is still going (Temporal's overlap policies). */
export const OVERLAP_POLICIES = ['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'terminate_other', 'allow_all'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

/** pending: the row is written, its schedule not yet confirmed; active: row and schedule agree; deleting: the schedule is being removed. */
export const JOB_STATES = ['pending', 'active', 'deleting'] as const;
export type JobState = (typeof JOB_STATES)[number];

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
    // Policies: durations in whole seconds, as the API shows them; null means no limit.
    overlap: p.enum(() => OVERLAP_POLICIES).$type<OverlapPolicy>().default('buffer_one'),
    catchup_window: p.integer().default(60),
    jitter: p.integer().default(0),
    pause_on_failure: p.boolean().default(false),
    // With pause_on_failure: this many failed runs in a row pause the job; the count restarts at failures_reset_at (the last resume).
    pause_after_failures: p.integer().default(1),
    failures_reset_at: p.datetime().nullable(),
    start_at: p.datetime().nullable(),
    end_at: p.datetime().nullable(),
    remaining_actions: p.integer().nullable(),
    max_instances: p.integer().nullable(),
    pause_note: p.string().length(500).nullable(),
    state: p.enum(() => JOB_STATES).$type<JobState>().default('active').index(),
  },
});

export class JobSchedule extends JobScheduleSchema.class {}
JobScheduleSchema.setClass(JobSchedule);
