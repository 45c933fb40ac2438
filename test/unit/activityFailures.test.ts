import { ScheduleClient } from '@temporalio/client';
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
  it("recognises the server's refusal as the SDK itself reports it", () => {
    // The SDK's own mapping, fed the server's gRPC answer: if a new SDK reports it differently, this fails first.
    const grpcError = Object.assign(new Error('3 INVALID_ARGUMENT: Invalid schedule spec: invalid cron'), { code: 3, details: 'Invalid schedule spec: invalid cron', metadata: { get: () => [] } });
    let reported: unknown;
    try {
      (ScheduleClient.prototype as unknown as { rethrowGrpcError(error: unknown, message: string, id: string): never }).rethrowGrpcError(grpcError, 'create', 'job-1');
    } catch (error) {
      reported = error;
    }
    expect(isScheduleSpecRefusal(reported)).toBe(true);
    expect((reported as Error).message).toBe('invalid cron');
  });

  it('does not take a TypeError of our own for the server refusing a spec', () => {
    expect(isScheduleSpecRefusal(new TypeError('cannot read properties of undefined'))).toBe(false);
    expect(isScheduleSpecRefusal(new Error('Invalid schedule spec'))).toBe(false);
  });
});
