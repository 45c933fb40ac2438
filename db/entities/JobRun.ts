import { defineEntity, p } from '@mikro-orm/core';

export const RUN_STATUSES = ['ENQUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Why a run did not complete: the failure's type and message, and whether Temporal was told not to retry it. */
export interface RunError {
  type: string;
  message: string;
  non_retryable: boolean;
  /** The ErrorEvent recorded for this failure (GET /errors). */
  event_id?: string;
  /** The saga compensations that ran before the run failed, newest first. */
  compensations?: { step: string; status: 'compensated' | 'failed'; error?: string }[];
}

/** One execution of a job: one Temporal workflow run, tracked from enqueue to its end. */
export const JobRunSchema = defineEntity({
  name: 'JobRun',
  tableName: 'job_runs',
  indexes: [{ properties: ['job_id', 'run_id'] }],
  properties: {
    run_id: p.integer().primary().autoincrement(),
    job_type: p.string().length(64),
    job_id: p.integer(),
    user_id: p.integer(),
    status: p.enum(() => RUN_STATUSES).$type<RunStatus>().index(),
    scheduled_for: p.datetime().nullable(),
    enqueued_at: p.datetime(),
    started_at: p.datetime().nullable(),
    // Indexed for retention: maintenance deletes finished runs by age.
    finished_at: p.datetime().nullable().index(),
    job_snapshot: p.json<Record<string, unknown>>(),
    result: p.json<Record<string, unknown>>().nullable(),
    error: p.json<RunError>().nullable(),
    worker_id: p.string().length(200).nullable(),
    workflow_id: p.string().length(255).unique(),
    temporal_run_id: p.string().length(64).nullable(),
  },
});

export class JobRun extends JobRunSchema.class {}
JobRunSchema.setClass(JobRun);
