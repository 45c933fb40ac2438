import type { Context } from '@temporalio/activity';
import type { ActivityInterceptors } from '@temporalio/worker';
import { jobIdFromWorkflowId } from '../workflows/names.ts';

/** Every line an activity logs names its workflow, run, job and activity, in the API's snake_case. */
export function activityLogInterceptor(ctx: Context): ActivityInterceptors {
  const { workflowExecution, activityType } = ctx.info;
  const context = {
    workflow_id: workflowExecution?.workflowId,
    run_id: workflowExecution?.runId,
    job_id: workflowExecution ? jobIdFromWorkflowId(workflowExecution.workflowId) : undefined,
    activity: activityType,
  };
  return { outbound: { getLogAttributes: (input, next) => next({ ...input, ...context }) } };
}
