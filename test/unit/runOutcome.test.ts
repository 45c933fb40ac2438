import { ActivityFailure, ApplicationFailure, CancelledFailure, RetryState, TerminatedFailure, TimeoutFailure, TimeoutType } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { isClosedStatus, runOutcomeOf } from '../../lib/runOutcome.ts';

describe('runOutcomeOf', () => {
  it('records a completed workflow with its result', () => {
    expect(runOutcomeOf('COMPLETED', { result: { alert_triggered: true } })).toEqual({ status: 'COMPLETED', result: { alert_triggered: true }, error: null });
  });

  it('names a failure by the first application failure in its chain, as the recorder does', () => {
    const cause = ApplicationFailure.create({ type: 'InvalidSymbol', message: 'Invalid symbol.', nonRetryable: true });
    const failure = new ActivityFailure('Activity task failed', 'getPrice', '1', RetryState.NON_RETRYABLE_FAILURE, 'worker', cause);
    expect(runOutcomeOf('FAILED', { failure })).toEqual({ status: 'FAILED', result: null, error: { type: 'InvalidSymbol', message: 'Invalid symbol.', non_retryable: true } });
  });

  it('names a failure without an application failure by its class', () => {
    const failure = new ActivityFailure('Activity task timed out', 'getPrice', '1', RetryState.TIMEOUT, 'worker', new TimeoutFailure('timed out', undefined, TimeoutType.START_TO_CLOSE));
    expect(runOutcomeOf('FAILED', { failure }).error).toEqual({ type: 'ActivityFailure', message: 'Activity task timed out', non_retryable: false });
  });

  it('records a terminated workflow as CANCELLED with the reason, and a timed-out one as TIMED_OUT', () => {
    expect(runOutcomeOf('TERMINATED', { failure: new TerminatedFailure('bad deploy') })).toEqual({ status: 'CANCELLED', result: null, error: { type: 'Terminated', message: 'bad deploy', non_retryable: false } });
    expect(runOutcomeOf('CANCELLED', { failure: new CancelledFailure('Workflow canceled') }).error).toEqual({ type: 'CancelledFailure', message: 'Workflow canceled', non_retryable: false });
    expect(runOutcomeOf('TIMED_OUT', { failure: new TimeoutFailure('Workflow execution timed out', undefined, TimeoutType.START_TO_CLOSE) })).toEqual({
      status: 'TIMED_OUT',
      result: null,
      error: { type: 'WorkflowExecutionTimeout', message: 'Workflow execution timed out', non_retryable: false },
    });
  });

  it('treats a run that continued as new, or is running, as not closed', () => {
    expect(['COMPLETED', 'FAILED', 'CANCELLED', 'TERMINATED', 'TIMED_OUT'].every((status) => isClosedStatus(status as never))).toBe(true);
    expect(isClosedStatus('CONTINUED_AS_NEW')).toBe(false);
    expect(isClosedStatus('RUNNING')).toBe(false);
  });
});
