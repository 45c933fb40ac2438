import type { ScheduleOptions } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { JOB_ID_KEY, JOB_TYPE_KEY, JOB_USER_ID_KEY, scheduleIdFor, scheduledWorkflowIdFor } from '../workflows/names.ts';
import type { JobInput, JobMemo } from '../workflows/types.ts';
import type { NewJobSchedule } from '../db/repositories/jobSchedules.ts';
import { temporalOverlapOf, type JobPolicies } from './jobPolicies.ts';
import type { JobTypeDefinition } from './jobTypes.ts';
import { startAheadOf, type StartAhead } from './startAhead.ts';

/** The fields of a JobSchedule that shape its Temporal Schedule; a policy left out falls back to the job type's run options. */
export interface ScheduledJob extends NewJobSchedule, Partial<JobPolicies> {
  id: number;
  pause_note?: string | null;
}

export function jobInputOf(job: ScheduledJob): JobInput {
  return { job_id: job.id, user_id: job.user_id, name: job.name, job_type: job.job_type, target: job.target, task_params: job.task_params };
}

export function jobMemoOf(job: ScheduledJob): JobMemo {
  return { job_id: job.id, name: job.name, job_type: job.job_type, user_id: job.user_id };
}


export function jobSearchAttributesOf(job: ScheduledJob): TypedSearchAttributes {
  return new TypedSearchAttributes([
    { key: JOB_ID_KEY, value: job.id },
    { key: JOB_TYPE_KEY, value: job.job_type },
    { key: JOB_USER_ID_KEY, value: job.user_id },
  ]);
}

/** How one run of a job is started, by its schedule or by a manual trigger alike (only the workflow ID differs). */
export interface JobWorkflowStart {
  workflowType: string;
  taskQueue: string;
  args: [JobInput];
  memo: Record<string, unknown>;
  typedSearchAttributes: TypedSearchAttributes;
  /** Milliseconds. */
  workflowExecutionTimeout: number;
}

export function workflowStartOf(job: ScheduledJob, definition: JobTypeDefinition): JobWorkflowStart {
  return {
    workflowType: definition.workflow,
    taskQueue: definition.taskQueue,
    args: [jobInputOf(job)],
    memo: { ...jobMemoOf(job) },
    typedSearchAttributes: jobSearchAttributesOf(job),
    workflowExecutionTimeout: definition.run.executionTimeoutMs,
  };
}

/** The Temporal Schedule `job-<id>` that runs a job: its cron, its workflow, and its own policies (the job type's where it has none). */
export function scheduleOptionsOf(job: ScheduledJob, definition: JobTypeDefinition): ScheduleOptions {
  const ahead = startAheadOf(job, definition.run.startAheadMs);
  // The runs' memo says how far ahead of its fire each is started: the recorder waits that long (workflows/fireTime.ts).
  const runMemo: JobMemo = { ...jobMemoOf(job), ...(ahead ? { start_ahead_ms: ahead.leadMs } : {}) };
  return {
    scheduleId: scheduleIdFor(job.id),
    spec: scheduleSpecOf(job, ahead),
    action: { type: 'startWorkflow', workflowId: scheduledWorkflowIdFor(job.id), ...workflowStartOf(job, definition), memo: { ...runMemo } },
    policies: {
      overlap: job.overlap ? temporalOverlapOf(job.overlap) : definition.run.overlap,
      catchupWindow: job.catchup_window !== undefined ? job.catchup_window * 1000 : definition.run.catchupWindowMs,
      // Keel pauses after pause_after_failures failures in a row itself (lib/failureStreak.ts); Temporal's pauses on the first.
      pauseOnFailure: false,
    },
    state: {
      paused: !job.enabled,
      note: job.pause_note ?? (job.enabled ? undefined : 'created paused'),
      ...(job.remaining_actions != null ? { remainingActions: job.remaining_actions } : {}),
    },
    // The schedule's own memo cannot be updated: what may change (start_ahead_ms) lives in the action's.
    memo: { ...jobMemoOf(job) },
    typedSearchAttributes: jobSearchAttributesOf(job),
  };
}

/**
 * When a job fires: its cron in its time zone, between start_at and end_at, each fire moved by up to `jitter` seconds.
 * A job that starts ahead (lib/startAhead.ts) gets the crons that fire that much earlier instead.
 */
export function scheduleSpecOf(job: ScheduledJob, ahead: StartAhead | undefined): ScheduleOptions['spec'] {
  return {
    cronExpressions: ahead?.crons ?? [job.cron],
    timezone: job.timezone,
    ...(job.start_at ? { startAt: job.start_at } : {}),
    ...(job.end_at ? { endAt: job.end_at } : {}),
    ...(job.jitter ? { jitter: job.jitter * 1000 } : {}),
  };
}
