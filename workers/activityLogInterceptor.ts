import type { Context } from '@temporalio/activity';
import { defaultPayloadConverter } from '@temporalio/common';
import type { ActivityInterceptors } from '@temporalio/worker';
import { jobIdFromWorkflowId, RUN_ID_HEADER } from '../workflows/names.ts';

/**
 * Every line an activity logs names its workflow, run and job and the activity, in the API's snake_case:
 * `run_id` is the JobRun's id (sent by the workflow in a header), `temporal_run_id` Temporal's.
 */
export function activityLogInterceptor(ctx: Context): ActivityInterceptors {
  const { workflowExecution, activityType } = ctx.info;
  const context: Record<string, unknown> = {
    workflow_id: workflowExecution?.workflowId,
    temporal_run_id: workflowExecution?.runId,
    job_id: workflowExecution ? jobIdFromWorkflowId(workflowExecution.workflowId) : undefined,
    activity: activityType,
  };
  return {
    inbound: {
      execute(input, next) {
        const header = input.headers[RUN_ID_HEADER];
        if (header) context.run_id = defaultPayloadConverter.fromPayload(header);
        return next(input);
      },
    },
    outbound: { getLogAttributes: (input, next) => next({ ...input, ...context }) },
  };
}
