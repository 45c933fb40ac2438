// Errors are classified once, here: everything else (HTTP problems, activity failures, metrics) maps from this.

export type ErrorCategory = 'network' | 'api' | 'database' | 'business' | 'system';

export interface KeelErrorOptions {
  category: ErrorCategory;
  /** A stable name for the failure, e.g. `InvalidSymbol`; becomes the ApplicationFailure type. */
  type: string;
  retryable: boolean;
  cause?: unknown;
  /** When the failing side said how long to wait (a 429's Retry-After, an open circuit): the next retry waits this long. */
  retryAfterMs?: number;
}

export class KeelError extends Error {
  readonly category: ErrorCategory;
  readonly type: string;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: KeelErrorOptions) {
    super(message, { cause: options.cause });
    this.name = options.type;
    this.category = options.category;
    this.type = options.type;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The remote end could not be reached or did not answer in time: worth another try. */
export function networkError(message: string, cause?: unknown): KeelError {
  return new KeelError(message, { category: 'network', type: 'NetworkError', retryable: true, cause });
}

/** A remote API answered with an error status; 5xx, 408 and 429 are worth another try. */
export class ApiError extends KeelError {
  readonly status: number;
  readonly body: unknown;

  constructor(message: string, status: number, body: unknown, retryAfterMs?: number) {
    super(message, { category: 'api', type: 'ApiError', retryable: status >= 500 || status === 408 || status === 429, retryAfterMs });
    this.status = status;
    this.body = body;
  }
}

/** A request that can never succeed as asked (an unknown symbol, a rejected payload): no retry. */
export function businessError(type: string, message: string, cause?: unknown): KeelError {
  return new KeelError(message, { category: 'business', type, retryable: false, cause });
}

export type Severity = 'critical' | 'error' | 'warning' | 'info';

/** What an error is, once classified: the fields an ErrorEvent and an activity failure take from it. */
export interface ErrorDescription {
  category: ErrorCategory;
  retryable: boolean;
  severity: Severity;
  error_type: string;
  message: string;
  stack_trace: string | null;
}

/**
 * The one classification of any error: its category (an unclassified error is a `system` error), whether another
 * try may succeed, and how bad it is. Business errors are warnings (the request was wrong, Keel is fine); rate limits
 * and open circuits too (Keel is holding back as it should); a database Keel cannot reach and unknown failures are critical.
 */
export function describeError(error: unknown): ErrorDescription {
  const classified = classifyError(error);
  const stack_trace = error instanceof Error ? (error.stack ?? null) : null;
  if (!(classified instanceof KeelError)) {
    const name = error instanceof Error ? error.name : 'Error';
    return { category: 'system', retryable: true, severity: 'critical', error_type: name, message: error instanceof Error ? error.message : String(error), stack_trace };
  }
  return { category: classified.category, retryable: classified.retryable, severity: severityOf(classified), error_type: classified.type, message: classified.message, stack_trace };
}

function severityOf(error: KeelError): Severity {
  if (error.category === 'business' || error.type === 'CircuitOpen' || error.type === 'BulkheadFull') return 'warning';
  if (error instanceof ApiError && error.status === 429) return 'warning';
  if (error.category === 'database' || error.category === 'system') return 'critical';
  return 'error';
}

export function isRetryable(error: unknown): boolean {
  return error instanceof KeelError ? error.retryable : true;
}

export interface FieldError {
  path: string;
  message: string;
}

/** Input that breaks a rule; `errors` name the fields. */
export class ValidationError extends KeelError {
  readonly errors: FieldError[];

  constructor(errors: FieldError[]) {
    super(errors.map((e) => `${e.path}: ${e.message}`).join('; '), { category: 'business', type: 'ValidationError', retryable: false });
    this.errors = errors;
  }
}

export class NotFoundError extends KeelError {
  constructor(message: string) {
    super(message, { category: 'business', type: 'NotFound', retryable: false });
  }
}

const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** PostgreSQL SQLSTATEs of a server that is gone, going or full: connection exceptions (08…), admin/crash shutdown, starting up, too many connections. */
const POSTGRES_UNAVAILABLE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;
/** Serialization failure and deadlock: the transaction lost a race and may simply be run again. */
const POSTGRES_CONFLICT = new Set(['40001', '40P01']);
/** The pg pool and driver say "the server went away" only in words. */
const DATABASE_GONE_MESSAGES = /timeout exceeded when trying to connect|connection terminated|connection timeout|server closed the connection|connection is closed|is not queryable|database is locked/i;

/** Every error in the chain of causes, outermost first. */
function* causeChain(error: unknown): Generator<unknown> {
  for (let link = error, depth = 0; link !== undefined && link !== null && depth < 10; link = (link as { cause?: unknown }).cause, depth++) yield link;
}

function codeOf(link: unknown): unknown {
  return typeof link === 'object' && link !== null ? (link as { code?: unknown }).code : undefined;
}

/** Another transaction holds the lock we need (SQLITE_BUSY, PostgreSQL 40001/40P01): running the unit of work again can succeed. */
export function isTransactionConflict(error: unknown): boolean {
  for (const link of causeChain(error)) {
    const code = codeOf(link);
    if (typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || POSTGRES_CONFLICT.has(code))) return true;
    if (link instanceof Error && /database is locked/i.test(link.message)) return true;
  }
  return false;
}

/** The pg pool hands back the raw socket error of a refused connect; the only other remote, Temporal, speaks gRPC statuses. */
function isDatabaseUnavailable(error: unknown): boolean {
  if (isTransactionConflict(error)) return true;
  for (const link of causeChain(error)) {
    const code = codeOf(link);
    if (typeof code === 'string' && (POSTGRES_UNAVAILABLE.test(code) || NETWORK_CODES.has(code))) return true;
    if (link instanceof Error && DATABASE_GONE_MESSAGES.test(link.message)) return true;
  }
  return false;
}

/** Temporal's SDK wraps the gRPC status (UNAVAILABLE, DEADLINE_EXCEEDED) in a ServiceError: the status is on a cause. */
function isTemporalUnavailable(error: unknown): boolean {
  for (const link of causeChain(error)) {
    const code = codeOf(link);
    if (code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED) return true;
  }
  return false;
}

/**
 * The one classifier for failures of the platform's own infrastructure: an unreachable or overloaded database
 * or Temporal server becomes a retryable KeelError (`database` or `network`); anything else comes back unchanged.
 */
export function classifyError(error: unknown): unknown {
  if (error instanceof KeelError) return error;
  // Checked first: a gRPC status is Temporal's, whatever socket error its message quotes.
  if (isTemporalUnavailable(error)) return new KeelError('the Temporal server did not answer in time', { category: 'network', type: 'TemporalUnavailable', retryable: true, cause: error });
  if (isDatabaseUnavailable(error)) return new KeelError('the database is unavailable or busy', { category: 'database', type: 'DatabaseUnavailable', retryable: true, cause: error });
  return error;
}

/** A request body in a format the API does not read (it reads application/json). */
export class UnsupportedMediaTypeError extends KeelError {
  constructor(message: string) {
    super(message, { category: 'business', type: 'UnsupportedMediaType', retryable: false });
  }
}

/** The request clashes with one still in progress: retrying later will do. */
export class ConflictError extends KeelError {
  constructor(message: string) {
    super(message, { category: 'business', type: 'Conflict', retryable: true });
  }
}
