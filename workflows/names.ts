import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Temporal names shared by the API, workers and workflows: operators and the CLI rely on them.

export const JOB_ID_KEY = defineSearchAttributeKey('JobId', SearchAttributeType.INT);
export const JOB_TYPE_KEY = defineSearchAttributeKey('JobType', SearchAttributeType.KEYWORD);
export const JOB_USER_ID_KEY = defineSearchAttributeKey('JobUserId', SearchAttributeType.INT);
/** Set by the Temporal server on every workflow a schedule starts. */
export const SCHEDULED_START_TIME_KEY = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

export const JOB_SEARCH_ATTRIBUTES = [JOB_ID_KEY, JOB_TYPE_KEY, JOB_USER_ID_KEY];

export function scheduleIdFor(jobId: number): string {
  return `job-${jobId}`;
}

/** The schedule's action workflow ID; the server appends the fire time to it. */
export function scheduledWorkflowIdFor(jobId: number): string {
  return `job-${jobId}`;
}

/** A manual run's workflow ID: distinct from the schedule's own fires; the nonce keeps triggers in the same millisecond apart. */
export function manualWorkflowIdFor(jobId: number, triggeredAt: Date, nonce: string): string {
  return `job-${jobId}-manual-${triggeredAt.toISOString()}-${nonce}`;
}

/** A position_monitor target that stands for every symbol its bot holds. */
export const ALL_SYMBOLS = '*';

/** The close of one position (position_monitor's child): one ID per position, so two monitors never close it at once. */
export function closePositionWorkflowIdFor(positionId: number): string {
  return `close-position-${positionId}`;
}

/** The job a workflow belongs to, from its ID (`job-<id>-…`), or undefined for other workflows. */
export function jobIdFromWorkflowId(workflowId: string): number | undefined {
  const match = /^job-(\d+)-/.exec(workflowId);
  return match ? Number(match[1]) : undefined;
}

/** Activity header that carries the JobRun's database id from the workflow to the activity's log lines. */
export const RUN_ID_HEADER = 'keel-run-id';

/** The failure type of a run refused because its job had max_instances runs going already. */
export const MAX_INSTANCES_ERROR = 'MaxInstancesReached';

/** The failure type of a run started ahead of its fire whose job was paused or deleted while it waited. */
export const PAUSED_BEFORE_FIRE_ERROR = 'JobPausedBeforeFire';
