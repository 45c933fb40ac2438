import type { WorkflowExecutionStatusName } from '@temporalio/client';
import type { RunError } from '../db/entities/index.ts';
import type { RunEnd } from '../db/repositories/jobRuns.ts';
import { describeRunFailure } from '../workflows/runFailure.ts';

/** How a run ended, as its JobRun records it. */
export interface RunOutcome {
  status: RunEnd['status'];
  result: Record<string, unknown> | null;
  error: RunError | null;
}

const CLOSED_STATUSES = ['COMPLETED', 'FAILED', 'CANCELLED', 'TERMINATED', 'TIMED_OUT'] as const;
export type ClosedStatus = (typeof CLOSED_STATUSES)[number];

/** Whether Temporal is done with this run: a continued-as-new run lives on in its successor, so it is not. */
export function isClosedStatus(status: WorkflowExecutionStatusName): status is ClosedStatus {
  return (CLOSED_STATUSES as readonly string[]).includes(status);
}

/** The JobRun outcome of a closed workflow, from its status and what its result gave (COMPLETED) or the failure it closed with. */
export function runOutcomeOf(status: ClosedStatus, settled: { result: unknown } | { failure: unknown }): RunOutcome {
  const failure = 'failure' in settled ? settled.failure : undefined;
  const message = failure instanceof Error ? failure.message : String(failure);
  switch (status) {
    case 'COMPLETED':
      return { status: 'COMPLETED', result: ('result' in settled ? (settled.result ?? null) : null) as Record<string, unknown> | null, error: null };
    case 'FAILED':
      return { status: 'FAILED', result: null, error: describeRunFailure(failure) };
    case 'CANCELLED':
      // The interceptor names a cancellation by its failure class too.
      return { status: 'CANCELLED', result: null, error: { type: 'CancelledFailure', message, non_retryable: false } };
    case 'TERMINATED':
      // The SDK puts the terminate reason in the failure's message.
      return { status: 'CANCELLED', result: null, error: { type: 'Terminated', message, non_retryable: false } };
    case 'TIMED_OUT':
      return { status: 'TIMED_OUT', result: null, error: { type: 'WorkflowExecutionTimeout', message, non_retryable: false } };
  }
}
