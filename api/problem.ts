import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { classifyError, ConflictError, KeelError, NotFoundError, UnsupportedMediaTypeError, ValidationError, type FieldError } from '../lib/errors.ts';
import { MAX_FIELD_ERRORS } from './validation.ts';

/** An RFC 9457 problem document. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

export const PROBLEM_BASE = 'https://keel.dev/problems/';

export function problemResponse(c: Context, problem: Problem, headers: Record<string, string> = {}): Response {
  return c.body(JSON.stringify(problem), problem.status as ContentfulStatusCode, { 'content-type': 'application/problem+json', ...headers });
}

/** At most MAX_FIELD_ERRORS errors, so a hostile body cannot make the answer bigger than the question. */
export function validationProblem(errors: FieldError[]): Problem {
  const shown = errors.slice(0, MAX_FIELD_ERRORS);
  const dropped = errors.length - shown.length;
  const detail = shown.map((e) => `${e.path}: ${e.message}`).join('; ') + (dropped ? `; and ${dropped} more errors not listed` : '');
  return { type: `${PROBLEM_BASE}validation`, title: 'Your request is not valid', status: 422, detail, errors: shown };
}

/** How long a client should wait before retrying after an outage answer: about as long as a dependency takes to come back or fail over. */
export const RETRY_AFTER_SECONDS = 5;

/** Maps a classified error to the problem a client should see; unclassified errors are 500s without internals. */
export function problemOf(error: unknown): Problem {
  const classified = classifyError(error);
  if (classified instanceof ValidationError) return validationProblem(classified.errors);
  if (classified instanceof UnsupportedMediaTypeError) return { type: `${PROBLEM_BASE}unsupported-media-type`, title: 'Unsupported media type', status: 415, detail: classified.message };
  if (classified instanceof ConflictError) return { type: `${PROBLEM_BASE}conflict`, title: 'Conflict', status: 409, detail: classified.message };
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
