import { randomBytes } from 'node:crypto';
import type { RequiredEntityData } from '@mikro-orm/core';
import type { Orm } from '../db/orm.ts';
import { ErrorEvent, type ErrorSeverity, type RunError } from '../db/entities/index.ts';
import { describeError } from './errors.ts';
import type { Logger } from './logger.ts';

/** A UUIDv7: 48 bits of Unix milliseconds first, so event IDs sort by time (newest-first pages need no other key). */
export function newEventId(now: number = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface ErrorEventInput {
  /** Where it happened: a dependency (market_data, webhook), a job type, `api`, `circuit_breaker`. */
  component: string;
  /** Classified here (lib/errors.ts describeError) unless the fields below say otherwise. */
  error?: unknown;
  event_id?: string;
  severity?: ErrorSeverity;
  error_type?: string;
  message?: string;
  context?: Record<string, unknown>;
  user_id?: number;
  session_id?: string;
}

export interface ErrorEventRecorderOptions {
  /** Rows written per INSERT. */
  batchSize?: number;
  flushIntervalMs?: number;
  /** Beyond this many unwritten events (the database down for long), the oldest are dropped and counted. */
  maxQueued?: number;
}

type EventRow = RequiredEntityData<ErrorEvent>;

/**
 * Records ErrorEvents without making the caller wait: record() queues the row in memory and returns its event_id;
 * the queue is written in batches every flushIntervalMs (and when a batch is full). A failed write keeps the rows
 * for the next flush, so a database outage loses nothing unless it outlasts maxQueued events.
 */
export class ErrorEventRecorder {
  readonly #orm: Orm;
  readonly #logger: Logger;
  readonly #batchSize: number;
  readonly #maxQueued: number;
  #queue: EventRow[] = [];
  #flushing: Promise<void> | undefined;
  readonly #timer: NodeJS.Timeout;
  dropped = 0;

  constructor(orm: Orm, logger: Logger, options: ErrorEventRecorderOptions = {}) {
    this.#orm = orm;
    this.#logger = logger;
    this.#batchSize = options.batchSize ?? 200;
    this.#maxQueued = options.maxQueued ?? 10_000;
    this.#timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 250);
    this.#timer.unref();
  }

  record(input: ErrorEventInput): string {
    const described = input.error === undefined ? undefined : describeError(input.error);
    const event_id = input.event_id ?? newEventId();
    this.#queue.push({
      event_id,
      timestamp: new Date(),
      severity: input.severity ?? described?.severity ?? 'error',
      component: input.component.slice(0, 64),
      error_type: (input.error_type ?? described?.error_type ?? 'Error').slice(0, 128),
      message: input.message ?? described?.message ?? '',
      context: input.context ?? null,
      stack_trace: described?.stack_trace ?? null,
      user_id: input.user_id ?? null,
      session_id: input.session_id ?? null,
      resolved: false,
      resolution_time: null,
    });
    if (this.#queue.length > this.#maxQueued) this.dropped += this.#queue.splice(0, this.#queue.length - this.#maxQueued).length;
    if (this.#queue.length >= this.#batchSize) void this.flush();
    return event_id;
  }

  /** Writes what is queued; concurrent calls share one write. Never throws: a failed batch waits for the next flush. */
  flush(): Promise<void> {
    this.#flushing ??= this.#writeQueued().finally(() => (this.#flushing = undefined));
    return this.#flushing;
  }

  async #writeQueued(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#batchSize);
      try {
        await this.#orm.em.fork().insertMany(ErrorEvent, batch);
      } catch (error) {
        this.#queue.unshift(...batch);
        this.#logger.warn({ err: error, queued: this.#queue.length }, 'error events not written yet; retrying on the next flush');
        return;
      }
    }
  }

  /** Stops the timer and writes what is left (once more if the first try failed). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
    if (this.#queue.length > 0) await this.flush();
  }
}

/** The run facts an ErrorEvent of a failed run carries. */
export interface FailedRunFacts {
  run_id: number;
  job_id: number;
  job_type: string;
  user_id: number;
  workflow_id: string;
}

/** A FAILED or TIMED_OUT run's error gets the ID of its ErrorEvent before the run is written (recorded once it is). */
export function withEventId(status: string, error: RunError | null | undefined): RunError | null {
  if (!error) return null;
  return status === 'FAILED' || status === 'TIMED_OUT' ? { ...error, event_id: error.event_id ?? newEventId() } : error;
}

/** Records the ErrorEvent a failed run's error names, once the run row holding its event_id is written. */
export function recordRunFailure(recorder: ErrorEventRecorder, run: FailedRunFacts, status: string, error: RunError | null): void {
  if (!error?.event_id) return;
  recorder.record({
    event_id: error.event_id,
    component: run.job_type,
    severity: 'error',
    error_type: error.type.slice(0, 128),
    message: error.message,
    user_id: run.user_id,
    context: { run_id: run.run_id, job_id: run.job_id, workflow_id: run.workflow_id, status, non_retryable: error.non_retryable },
  });
}
