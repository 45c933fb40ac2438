import type { ScheduleOptions } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { JOB_ID_KEY, JOB_TYPE_KEY, JOB_USER_ID_KEY, scheduleIdFor, scheduledWorkflowIdFor } from '../workflows/names.ts';
import type { JobInput, JobMemo } from '../workflows/types.ts';
import type { NewJobSchedule } from '../db/repositories/jobSchedules.ts';
import type { JobTypeDefinition } from './jobTypes.ts';

/** The fields of a JobSchedule that shape its Temporal Schedule. */
export interface ScheduledJob extends NewJobSchedule {
  id: number;
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

/** The Temporal Schedule `job-<id>` that runs a job: its cron, its workflow, and what to do when runs pile up. */
export function scheduleOptionsOf(job: ScheduledJob, definition: JobTypeDefinition): ScheduleOptions {
  return {
    scheduleId: scheduleIdFor(job.id),
    spec: { cronExpressions: [job.cron], timezone: job.timezone },
    action: { type: 'startWorkflow', workflowId: scheduledWorkflowIdFor(job.id), ...workflowStartOf(job, definition) },
    policies: { overlap: definition.run.overlap, catchupWindow: definition.run.catchupWindowMs, pauseOnFailure: false },
    state: { paused: !job.enabled, note: job.enabled ? undefined : 'created paused' },
    memo: { ...jobMemoOf(job) },
    typedSearchAttributes: jobSearchAttributesOf(job),
  };
}
