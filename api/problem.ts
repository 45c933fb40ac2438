import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ConflictError, KeelError, NotFoundError, UnsupportedMediaTypeError, ValidationError, type FieldError } from '../lib/errors.ts';
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

/** Maps a classified error to the problem a client should see; unclassified errors are 500s without internals. */
export function problemOf(error: unknown): Problem {
  if (error instanceof ValidationError) return validationProblem(error.errors);
  if (error instanceof UnsupportedMediaTypeError) return { type: `${PROBLEM_BASE}unsupported-media-type`, title: 'Unsupported media type', status: 415, detail: error.message };
  if (error instanceof ConflictError) return { type: `${PROBLEM_BASE}conflict`, title: 'Conflict', status: 409, detail: error.message };
  if (error instanceof NotFoundError) return { type: `${PROBLEM_BASE}not-found`, title: 'Not found', status: 404, detail: error.message };
  if (error instanceof KeelError && error.category === 'network') {
    return { type: `${PROBLEM_BASE}dependency-unavailable`, title: 'A dependency is unavailable', status: 503, detail: error.message };
  }
  if (isTemporalUnavailable(error)) {
    return { type: `${PROBLEM_BASE}dependency-unavailable`, title: 'Temporal is unavailable', status: 503, detail: 'the Temporal server did not answer; try again' };
  }
  return { type: `${PROBLEM_BASE}internal`, title: 'Internal server error', status: 500, detail: 'the error has been logged' };
}

const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

function isTemporalUnavailable(error: unknown): boolean {
  const code = (error as { code?: number } | null)?.code;
  return code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED;
}
