import { UniqueConstraintViolationException, type EntityManager, type FilterQuery } from '@mikro-orm/core';
import { FireRecord, type FireOutcome } from '../entities/index.ts';
import { encodeCursor, type Page } from '../pagination.ts';

export interface NewFireRecord {
  job_id: number;
  nominal_time: Date;
  outcome: FireOutcome;
  reason: string | null;
  delay_ms: number | null;
  run_id: number | null;
}

/** The newest settled fire of a job, and how many of its fires the ledger holds as missed_catchup. */
export async function ledgerPositionOf(em: EntityManager, jobId: number): Promise<{ lastNominalTime: Date | null; missedCatchup: number }> {
  const last = await em.findOne(FireRecord, { job_id: jobId }, { orderBy: { nominal_time: 'desc' }, fields: ['nominal_time'] });
  const missedCatchup = await em.count(FireRecord, { job_id: jobId, outcome: 'missed_catchup' });
  return { lastNominalTime: last?.nominal_time ?? null, missedCatchup };
}

/** Writes one settled fire; false when another process settled it first (the unique job and nominal time keep one). The caller's em must be fresh: a refused insert ends its transaction. */
export async function addFireRecord(em: EntityManager, record: NewFireRecord): Promise<boolean> {
  try {
    em.create(FireRecord, record);
    await em.flush();
    return true;
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) return false;
    throw error;
  }
}

export interface FireFilter {
  job_id: number;
  from: Date;
  to: Date;
  /** The nominal time (ms) of the last item of the previous page. */
  after?: number;
  limit: number;
}

/** Oldest first, as a ledger reads; the cursor is the last nominal time seen. */
export async function listFires(em: EntityManager, filter: FireFilter): Promise<Page<FireRecord>> {
  const lower = filter.after !== undefined ? { $gt: new Date(filter.after) } : { $gte: filter.from };
  const where: FilterQuery<FireRecord> = { job_id: filter.job_id, nominal_time: { ...lower, $lte: filter.to } };
  const rows = await em.find(FireRecord, where, { orderBy: { nominal_time: 'asc' }, limit: filter.limit + 1 });
  const items = rows.slice(0, filter.limit);
  const last = items.at(-1);
  return { items, next_cursor: rows.length > filter.limit && last ? encodeCursor(last.nominal_time.getTime()) : null };
}
