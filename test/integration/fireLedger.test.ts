import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FireRecord, JobSchedule } from '../../db/entities/index.ts';
import { inTransaction, initORM, type Orm } from '../../db/orm.ts';
import type { FireDecision } from '../../lib/fires/fireOutcome.ts';
import { FireLedger } from '../../lib/fires/fireLedger.ts';
import { createLogger } from '../../lib/logger.ts';
import { DATABASE_KINDS } from '../helpers/databases.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

// Two API processes settling the same fires: each fire is written, counted and told once.
describe.each(DATABASE_KINDS)('two fire ledgers at once on %s', (db) => {
  let platform: TestPlatform;
  let otherOrm: Orm;

  beforeAll(async () => {
    // The platform's own ledger pass stays out of the way (it runs once, at start, with no job yet).
    platform = await startTestPlatform({ db, env: { FIRES_LEDGER_INTERVAL_MS: '86400000', FIRES_WATCH_INTERVAL_MS: '500' } });
    otherOrm = await initORM(platform.config.db);
  });

  afterAll(async () => {
    await otherOrm?.close();
    await platform?.close();
  });

  it('writes each fire once, and only the process whose write landed reports it', async () => {
    const created = await platform.api('POST', '/jobs', priceAlertJob({ name: 'no worker', cron: '*/5 * * * * * *', overlap: 'skip' }));
    expect(created.status).toBe(201);
    const jobId = created.body.id as number;
    try {
      const reported: FireDecision[][] = [[], []];
      const logger = createLogger(platform.config);
      const ledgers = [platform.orm, otherOrm].map(
        (orm, i) => new FireLedger({ orm, temporal: platform.temporal, logger, report: (_job, decision) => Promise.resolve(void reported[i]!.push(decision)) }, 1_000),
      );
      // Three fires past the grace: the first started (ENQUEUED, no worker), the next skipped while it waits.
      await eventually(
        async () => {
          const written = await Promise.all(ledgers.map((ledger) => ledger.settleAll()));
          return reported.flat().length >= 3 ? written : undefined;
        },
        { timeoutMs: 40_000, intervalMs: 300 },
      );
      await Promise.all(ledgers.map((ledger) => ledger.settleAll()));

      const rows = await inTransaction(platform.orm, (em) => em.find(FireRecord, { job_id: jobId }, { orderBy: { nominal_time: 'asc' } }));
      const told = reported.flat().map((decision) => decision.nominal_time.toISOString()).sort();
      expect(told).toEqual(rows.map((row) => row.nominal_time.toISOString()));
      expect(rows[0]).toMatchObject({ outcome: 'started' });
      expect(rows[0]!.run_id).toEqual(expect.any(Number));
      expect(rows.slice(1).map((row) => row.outcome)).toEqual(rows.slice(1).map(() => 'skipped_overlap'));
      // A job's row is not touched by the ledger.
      expect(await inTransaction(platform.orm, (em) => em.count(JobSchedule, { id: jobId }))).toBe(1);
    } finally {
      await platform.api('DELETE', `/jobs/${jobId}`);
    }
  });
});
