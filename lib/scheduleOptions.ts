import { ScheduleOverlapPolicy, type ScheduleOptions } from '@temporalio/client';
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

/** The Temporal Schedule `job-<id>` that runs a job: its cron, its workflow, and what to do when runs pile up. */
export function scheduleOptionsOf(job: ScheduledJob, definition: JobTypeDefinition): ScheduleOptions {
  return {
    scheduleId: scheduleIdFor(job.id),
    spec: { cronExpressions: [job.cron], timezone: job.timezone },
    action: {
      type: 'startWorkflow',
      workflowType: definition.workflowType,
      workflowId: scheduledWorkflowIdFor(job.id),
      taskQueue: definition.taskQueue,
      args: [jobInputOf(job)],
      memo: { ...jobMemoOf(job) },
      typedSearchAttributes: jobSearchAttributesOf(job),
      workflowExecutionTimeout: '1 hour',
    },
    // A slow run is not doubled up; one fire waits behind it.
    policies: { overlap: ScheduleOverlapPolicy.BUFFER_ONE, catchupWindow: '1 minute', pauseOnFailure: false },
    state: { paused: !job.enabled, note: job.enabled ? undefined : 'created paused' },
    memo: { ...jobMemoOf(job) },
    typedSearchAttributes: jobSearchAttributesOf(job),
  };
}
