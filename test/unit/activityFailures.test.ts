import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { ApiError, businessError, networkError } from '../../lib/errors.ts';
import { isScheduleSpecRefusal } from '../../lib/jobScheduler.ts';
import { toActivityFailure } from '../../workers/activityFailureInterceptor.ts';

describe('toActivityFailure', () => {
  it('makes a business error a typed, non-retryable failure', () => {
    const failure = toActivityFailure(businessError('InvalidSymbol', 'no such symbol'));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'InvalidSymbol', message: 'no such symbol', nonRetryable: true, details: [{ category: 'business' }] });
  });

  it('keeps transient errors retryable, with their type', () => {
    expect(toActivityFailure(networkError('connection reset'))).toMatchObject({ type: 'NetworkError', nonRetryable: false });
    expect(toActivityFailure(new ApiError('busy', 503, {}))).toMatchObject({ type: 'ApiError', nonRetryable: false, details: [{ category: 'api' }] });
    expect(toActivityFailure(new ApiError('bad request', 400, {}))).toMatchObject({ type: 'ApiError', nonRetryable: true });
  });

  it('leaves errors it does not know to Temporal as they are', () => {
    const error = new RangeError('bug');
    expect(toActivityFailure(error)).toBe(error);
  });
});

describe('isScheduleSpecRefusal', () => {
  it('does not take a TypeError of our own for the server refusing a spec', () => {
    expect(isScheduleSpecRefusal(new TypeError('cannot read properties of undefined'))).toBe(false);
    expect(isScheduleSpecRefusal(new Error('Invalid schedule spec'))).toBe(false);
  });
});
