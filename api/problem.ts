import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { classifyError, KeelError, NotFoundError, ValidationError, type FieldError } from '../lib/errors.ts';

/** An RFC 9457 problem document. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

const PROBLEM_BASE = 'https://keel.dev/problems/';

export function problemResponse(c: Context, problem: Problem, headers: Record<string, string> = {}): Response {
  return c.body(JSON.stringify(problem), problem.status as ContentfulStatusCode, { 'content-type': 'application/problem+json', ...headers });
}

export function validationProblem(errors: FieldError[]): Problem {
  return { type: `${PROBLEM_BASE}validation`, title: 'Your request is not valid', status: 422, detail: errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors };
}

/** How long a client should wait before retrying after an outage answer: about as long as a dependency takes to come back or fail over. */
export const RETRY_AFTER_SECONDS = 5;

/** Maps a classified error to the problem a client should see; unclassified errors are 500s without internals. */
export function problemOf(error: unknown): Problem {
  const classified = classifyError(error);
  if (classified instanceof ValidationError) return validationProblem(classified.errors);
  if (classified instanceof NotFoundError) return { type: `${PROBLEM_BASE}not-found`, title: 'Not found', status: 404, detail: classified.message };
  if (classified instanceof KeelError && classified.retryable && (classified.category === 'network' || classified.category === 'database')) {
    const title = classified.category === 'database' ? 'The database is unavailable' : 'A dependency is unavailable';
    return { type: `${PROBLEM_BASE}dependency-unavailable`, title, status: 503, detail: `${classified.message}; try again in a few seconds` };
  }
  return { type: `${PROBLEM_BASE}internal`, title: 'Internal server error', status: 500, detail: 'the error has been logged' };
}

/** Headers that go with a problem: a 503 says when to come back. */
export function problemHeaders(problem: Problem): Record<string, string> {
  return problem.status === 503 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {};
}
