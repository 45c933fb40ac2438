import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ApplicationFailure, ChildWorkflowFailure, executeChild, isCancellation, ParentClosePolicy, workflowInfo } from '@temporalio/workflow';
import type { PositionActivities, PositionExit, PositionMark } from '../activities/positions.ts';
import type { PositionMonitorParams } from '../lib/jobParams/positionMonitor.ts';
import { activitiesWithProfile } from './activityProfiles.ts';
import type { CloseFailureDetails, ClosePositionInput, closePositionWorkflow, ClosePositionResult } from './closePosition.ts';
import { ALL_SYMBOLS, closePositionWorkflowIdFor, SCHEDULED_START_TIME_KEY } from './names.ts';
import { describeRunFailure } from './runFailure.ts';
import { withCompensations, type CompensationRecord } from './saga.ts';
import type { JobInput } from './types.ts';

const { markPositions } = activitiesWithProfile<PositionActivities>('market_data');

/** A close another monitor run had started already: it goes on there. */
interface AlreadyClosing {
  position_id: number;
  outcome: 'already_closing';
}

export interface PositionMonitorResult {
  positions: PositionMark[];
  closes: (ClosePositionResult | AlreadyClosing)[];
}

/** One close, as its own child workflow; a close of the same position already running is left to finish. */
async function closeOnce(input: ClosePositionInput): Promise<ClosePositionResult | AlreadyClosing> {
  try {
    return await executeChild<typeof closePositionWorkflow>('closePositionWorkflow', {
      workflowId: closePositionWorkflowIdFor(input.exit.position_id),
      args: [input],
      // Cancelling the monitor cancels its closes, which then undo themselves; none is cut off mid-sale.
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { position_id: input.exit.position_id, outcome: 'already_closing' };
    throw error;
  }
}

/** What one failed close says in the monitor's failure, and the compensations it ran (steps named after the position). */
function describeCloseFailure(exit: PositionExit, error: unknown): { text: string; compensations: CompensationRecord[] } {
  const { type, message } = describeRunFailure(error);
  const details = error instanceof ChildWorkflowFailure && error.cause instanceof ApplicationFailure ? (error.cause.details as CloseFailureDetails | undefined) : undefined;
  const compensations = (details?.[0] ?? []).map((record) => ({ ...record, step: `position-${exit.position_id}/${record.step}` }));
  return { text: `position ${exit.position_id} (${exit.trigger}): ${type}: ${message}`, compensations };
}

/**
 * position_monitor: marks the bot's open positions (in the target symbol, or `*` for all) to market, then closes each
 * one past its stop-loss or take-profit in a child workflow of its own, all at once. A close that fails has undone
 * itself; the run then fails (PositionCloseFailed) naming each, so the JobRun and pause_on_failure see it.
 */
export async function positionMonitorWorkflow(job: JobInput<PositionMonitorParams>): Promise<PositionMonitorResult> {
  const info = workflowInfo();
  const { bot_id, ...thresholds } = job.task_params;
  const { positions, exits } = await markPositions(bot_id, job.target === ALL_SYMBOLS ? null : job.target, thresholds);
  const scheduledAt = info.typedSearchAttributes.get(SCHEDULED_START_TIME_KEY);
  const fire = scheduledAt ? scheduledAt.toISOString() : info.workflowId;
  const settled = await Promise.allSettled(exits.map((exit) => closeOnce({ job_id: job.job_id, user_id: job.user_id, job_name: job.name, fire, exit })));
  // A cancelled monitor waited for its closes to undo themselves: it ends cancelled, not failed.
  const cancelled = settled.find((outcome) => outcome.status === 'rejected' && isCancellation(outcome.reason));
  if (cancelled?.status === 'rejected') throw cancelled.reason;
  const closes = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const failures = settled.flatMap((outcome, index) => (outcome.status === 'rejected' ? [describeCloseFailure(exits[index]!, outcome.reason)] : []));
  if (failures.length === 0) return { positions, closes };
  const failure = ApplicationFailure.create({
    type: 'PositionCloseFailed',
    message: `${failures.length} of ${exits.length} closes failed and were rolled back: ${failures.map((failed) => failed.text).join('; ')}`,
    nonRetryable: true,
    details: [{ positions, closes }],
  });
  throw withCompensations(failure, failures.flatMap((failed) => failed.compensations));
}
