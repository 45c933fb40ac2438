import { ScheduleClient } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { ApiError, businessError, networkError } from '../../lib/errors.ts';
import { retryAfterMs } from '../../lib/http.ts';
import { isScheduleSpecRefusal } from '../../lib/jobScheduler.ts';
import { BUILT_IN_RETRY_POLICIES } from '../../lib/retryStrategies.ts';
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

  const linear = { ...BUILT_IN_RETRY_POLICIES.default!, strategy: 'linear' as const, jitter: false, base_delay: 0.5 };

  it("names the next delay when the policy's strategy is one Temporal cannot compute", () => {
    expect(toActivityFailure(networkError('reset'), { policy: linear, attempt: 3 })).toMatchObject({ nonRetryable: false, nextRetryDelay: 1500 });
    expect(toActivityFailure(new RangeError('bug'), { policy: linear, attempt: 2 })).toMatchObject({ type: 'RangeError', nextRetryDelay: 1000, details: [{ category: 'system' }] });
    expect(toActivityFailure(networkError('reset'), { policy: BUILT_IN_RETRY_POLICIES.market_data!, attempt: 3 })).toMatchObject({ nextRetryDelay: undefined });
  });

  it("waits as long as a 429's Retry-After asks, whatever the strategy", () => {
    expect(toActivityFailure(new ApiError('slow down', 429, {}, 7000), { policy: linear, attempt: 1 })).toMatchObject({ nonRetryable: false, nextRetryDelay: 7000 });
  });

  it('does not retry a category the policy leaves out, nor a business error under any policy', () => {
    const networkOnly = { ...linear, retry_on: ['network' as const] };
    expect(toActivityFailure(new ApiError('busy', 503, {}), { policy: networkOnly, attempt: 1 })).toMatchObject({ nonRetryable: true, nextRetryDelay: undefined });
    expect(toActivityFailure(businessError('InvalidSymbol', 'no'), { policy: linear, attempt: 1 })).toMatchObject({ nonRetryable: true });
  });
});

describe('retryAfterMs', () => {
  it('reads Retry-After in seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
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
