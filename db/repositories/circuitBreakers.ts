import { CircuitBreakerRecord } from '../entities/index.ts';
import type { Orm } from '../orm.ts';
import { applyBreakerEvent, closedRecord, type BreakerConfig, type BreakerEvent, type BreakerRecord, type BreakerState, type BreakerStep } from '../../lib/circuitBreakerState.ts';

function toRecord(row: CircuitBreakerRecord): BreakerRecord {
  return {
    name: row.name,
    state: row.state as BreakerState,
    failure_count: row.failure_count,
    window_started_at: row.window_started_at ?? null,
    opened_at: row.opened_at ?? null,
    next_attempt_at: row.next_attempt_at ?? null,
    trials_in_flight: row.trials_in_flight,
    successes: row.successes,
    forced: row.forced,
  };
}

const sameRecord = (a: BreakerRecord, b: BreakerRecord) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Breaker state in the database, shared by every process: each change is a compare-and-set on `version`
 * (portable across SQLite and PostgreSQL, no lock held), retried on a lost race.
 */
export class DatabaseBreakerStore {
  readonly #orm: Orm;

  constructor(orm: Orm) {
    this.#orm = orm;
  }

  async list(): Promise<BreakerRecord[]> {
    const rows = await this.#orm.em.fork().find(CircuitBreakerRecord, {}, { orderBy: { name: 'asc' } });
    return rows.map(toRecord);
  }

  async apply(name: string, event: BreakerEvent, config: BreakerConfig, now = new Date()): Promise<BreakerStep> {
    for (;;) {
      const em = this.#orm.em.fork();
      const row = await em.findOne(CircuitBreakerRecord, { name });
      const current = row ? toRecord(row) : closedRecord(name);
      const step = applyBreakerEvent(current, event, now, config);
      if (row && sameRecord(step.record, current)) return step;
      if (!row) {
        const inserted = await em
          .insert(CircuitBreakerRecord, { ...step.record, version: 1, updated_at: now })
          .then(() => true)
          .catch(() => false); // another process created it first: apply the event to theirs
        if (inserted) return step;
        continue;
      }
      const changed = await em.nativeUpdate(CircuitBreakerRecord, { name, version: row.version }, { ...step.record, version: row.version + 1, updated_at: now });
      if (changed === 1) return step;
    }
  }
}

/** The same state machine in this process only: for a single process, or code that has no database. */
export class MemoryBreakerStore {
  readonly #records = new Map<string, BreakerRecord>();

  list(): Promise<BreakerRecord[]> {
    return Promise.resolve([...this.#records.values()].sort((a, b) => a.name.localeCompare(b.name)));
  }

  apply(name: string, event: BreakerEvent, config: BreakerConfig, now = new Date()): Promise<BreakerStep> {
    const step = applyBreakerEvent(this.#records.get(name) ?? closedRecord(name), event, now, config);
    this.#records.set(name, step.record);
    return Promise.resolve(step);
  }
}

export type BreakerStore = DatabaseBreakerStore | MemoryBreakerStore;
