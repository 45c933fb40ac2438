// The shared circuit breaker's state machine as pure functions: the database store and the in-memory one apply the same.

export const BREAKER_STATES = ['closed', 'open', 'half_open'] as const;
export type BreakerState = (typeof BREAKER_STATES)[number];

/** A breaker's settings: the seed's fields (seconds), plus how many trial calls HALF_OPEN lets through at once. */
export interface BreakerConfig {
  failure_threshold: number;
  failure_window: number;
  recovery_timeout: number;
  success_threshold: number;
  half_open_max_calls: number;
}

/** What every process shares about one breaker. */
export interface BreakerRecord {
  name: string;
  state: BreakerState;
  /** Transient failures in the current window (CLOSED), or since the breaker opened. */
  failure_count: number;
  window_started_at: Date | null;
  opened_at: Date | null;
  /** When an OPEN breaker lets its first trial through; null while an admin holds it open. */
  next_attempt_at: Date | null;
  trials_in_flight: number;
  successes: number;
  /** Set by an admin's force: no automatic transition until an admin closes it. */
  forced: boolean;
}

export type BreakerEvent = { kind: 'failure' } | { kind: 'claim' } | { kind: 'trial_done'; ok: boolean } | { kind: 'force'; state: 'open' | 'closed' };

export interface BreakerStep {
  record: BreakerRecord;
  /** For `claim`: the call may go to the dependency. */
  granted: boolean;
  /** The state the breaker moved to, when it moved. */
  transition?: BreakerState;
}

export function closedRecord(name: string): BreakerRecord {
  return { name, state: 'closed', failure_count: 0, window_started_at: null, opened_at: null, next_attempt_at: null, trials_in_flight: 0, successes: 0, forced: false };
}

function opened(record: BreakerRecord, now: Date, config: BreakerConfig): BreakerRecord {
  return { ...record, state: 'open', opened_at: now, next_attempt_at: new Date(now.getTime() + config.recovery_timeout * 1000), trials_in_flight: 0, successes: 0 };
}

/** One event applied to one breaker: the next record, and whether a claimed call may go ahead. */
export function applyBreakerEvent(record: BreakerRecord, event: BreakerEvent, now: Date, config: BreakerConfig): BreakerStep {
  if (event.kind === 'force') {
    if (event.state === 'closed') return { record: closedRecord(record.name), granted: false, transition: record.state === 'closed' ? undefined : 'closed' };
    return { record: { ...opened(record, now, config), next_attempt_at: null, forced: true }, granted: false, transition: record.state === 'open' ? undefined : 'open' };
  }
  if (record.forced) return { record, granted: false };

  switch (event.kind) {
    case 'failure': {
      if (record.state !== 'closed') return { record: { ...record, failure_count: record.failure_count + 1 }, granted: false };
      const windowOver = !record.window_started_at || now.getTime() - record.window_started_at.getTime() > config.failure_window * 1000;
      const counted = windowOver ? { ...record, failure_count: 1, window_started_at: now } : { ...record, failure_count: record.failure_count + 1 };
      if (counted.failure_count < config.failure_threshold) return { record: counted, granted: false };
      return { record: opened(counted, now, config), granted: false, transition: 'open' };
    }
    case 'claim': {
      if (record.state === 'closed') return { record, granted: true };
      let current = record;
      let transition: BreakerState | undefined;
      if (current.state === 'open') {
        if (!current.next_attempt_at || now < current.next_attempt_at) return { record, granted: false };
        current = { ...current, state: 'half_open', trials_in_flight: 0, successes: 0 };
        transition = 'half_open';
      }
      if (current.trials_in_flight >= config.half_open_max_calls) return { record: current, granted: false, transition };
      return { record: { ...current, trials_in_flight: current.trials_in_flight + 1 }, granted: true, transition };
    }
    case 'trial_done': {
      if (record.state !== 'half_open') return { record, granted: false };
      if (!event.ok) return { record: opened({ ...record, failure_count: record.failure_count + 1 }, now, config), granted: false, transition: 'open' };
      const successes = record.successes + 1;
      if (successes >= config.success_threshold) return { record: closedRecord(record.name), granted: false, transition: 'closed' };
      return { record: { ...record, successes, trials_in_flight: Math.max(0, record.trials_in_flight - 1) }, granted: false };
    }
  }
}
