import { DriverException, LockWaitTimeoutException } from '@mikro-orm/core';
import { ServiceError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { problemHeaders, problemOf } from '../../api/problem.ts';
import { classifyError, isTransactionConflict, KeelError } from '../../lib/errors.ts';

const grpc = (code: number, message: string) => Object.assign(new Error(message), { code });
const withCode = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('outages become 503 problems with Retry-After', () => {
  it.each([
    ['Temporal UNAVAILABLE inside the SDK ServiceError', new ServiceError('Failed to start Workflow', { cause: grpc(14, '14 UNAVAILABLE: No connection established') })],
    ['Temporal DEADLINE_EXCEEDED inside the SDK ServiceError', new ServiceError('Failed to describe schedule', { cause: grpc(4, '4 DEADLINE_EXCEEDED: Deadline exceeded') })],
    ['PostgreSQL refusing connections', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['PostgreSQL shut down by its administrator (57P01)', withCode('57P01', 'terminating connection due to administrator command')],
    ['PostgreSQL shutting down (57P03)', withCode('57P03', 'the database system is shutting down')],
    ['a lost PostgreSQL connection (08006)', withCode('08006', 'connection failure')],
    ['the pg pool checkout timeout', new Error('timeout exceeded when trying to connect')],
    ['the ORM wrapping a pg client whose connection broke (seen in CI with PostgreSQL stopped)', new DriverException(new Error('Client has encountered a connection error and is not queryable'))],
    ['SQLite still busy after retries', withCode('SQLITE_BUSY', 'database is locked')],
    ['the ORM wrapping a SQLite lock', new LockWaitTimeoutException(withCode('SQLITE_BUSY', 'database is locked'))],
  ])('%s', (_, error) => {
    const problem = problemOf(error);
    expect(problem).toMatchObject({ status: 503, type: expect.stringContaining('dependency-unavailable') });
    expect(Number(problemHeaders(problem)['retry-after'])).toBeGreaterThan(0);
    expect(classifyError(error)).toBeInstanceOf(KeelError);
    expect((classifyError(error) as KeelError).retryable).toBe(true);
  });

  it('keeps bugs and refusals as they were: 500 without internals, no Retry-After', () => {
    for (const error of [new TypeError('x is undefined'), new ServiceError('Failed', { cause: grpc(3, '3 INVALID_ARGUMENT') }), withCode('23505', 'duplicate key')]) {
      const problem = problemOf(error);
      expect(problem.status).toBe(500);
      expect(problemHeaders(problem)).toEqual({});
    }
  });

  it('retries only lock conflicts inside a unit of work, not outages', () => {
    expect(isTransactionConflict(withCode('SQLITE_BUSY_SNAPSHOT', 'database is locked'))).toBe(true);
    expect(isTransactionConflict(withCode('40001', 'could not serialize access'))).toBe(true);
    expect(isTransactionConflict(withCode('40P01', 'deadlock detected'))).toBe(true);
    expect(isTransactionConflict(withCode('ECONNREFUSED', 'connect ECONNREFUSED'))).toBe(false);
  });
});
