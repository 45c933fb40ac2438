// Errors are classified once, here: everything else (HTTP problems, activity failures, metrics) maps from this.

export type ErrorCategory = 'network' | 'api' | 'database' | 'business' | 'system';

export interface KeelErrorOptions {
  category: ErrorCategory;
  /** A stable name for the failure, e.g. `InvalidSymbol`; becomes the ApplicationFailure type. */
  type: string;
  retryable: boolean;
  cause?: unknown;
}

export class KeelError extends Error {
  readonly category: ErrorCategory;
  readonly type: string;
  readonly retryable: boolean;

  constructor(message: string, options: KeelErrorOptions) {
    super(message, { cause: options.cause });
    this.name = options.type;
    this.category = options.category;
    this.type = options.type;
    this.retryable = options.retryable;
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

  constructor(message: string, status: number, body: unknown) {
    super(message, { category: 'api', type: 'ApiError', retryable: status >= 500 || status === 408 || status === 429 });
    this.status = status;
    this.body = body;
  }
}

/** A request that can never succeed as asked (an unknown symbol, a rejected payload): no retry. */
export function businessError(type: string, message: string, cause?: unknown): KeelError {
  return new KeelError(message, { category: 'business', type, retryable: false, cause });
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
