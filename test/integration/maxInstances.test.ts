import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction, initORM, migrate, type Orm } from '../../db/orm.ts';
import { claimRunStart } from '../../db/repositories/jobRuns.ts';
import { addJobSchedule } from '../../db/repositories/jobSchedules.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/databases.ts';

const CONTENDERS = 6;

describe.each(DATABASE_KINDS)('the max_instances claim on %s', (kind) => {
  let database: TestDatabase;
  // One ORM per contender: separate connections, as separate worker processes have.
  let orms: Orm[];

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    orms = await Promise.all(Array.from({ length: CONTENDERS }, () => initORM({ url: database.url })));
    await migrate(orms[0]!);
  });

  afterAll(async () => {
    await Promise.all((orms ?? []).map((orm) => orm.close()));
    await database?.drop();
  });

  const start = (jobId: number, workflowId: string) => ({
    workflow_id: workflowId,
    temporal_run_id: `run-of-${workflowId}`,
    job_id: jobId,
    job_type: 'price_alert',
    user_id: 1,
    job_snapshot: {},
    scheduled_for: new Date(),
    enqueued_at: new Date(),
    started_at: new Date(),
    worker_id: 'alerts@test',
  });

  it('lets exactly max_instances of many simultaneous starts of one job run; the others are recorded refused', async () => {
    const jobId = await inTransaction(orms[0]!, async (em) => {
      const job = addJobSchedule(em, { user_id: 1, name: 'one at a time', job_type: 'price_alert', target: 'BTCUSDT', task_params: {}, cron: '* * * * *', timezone: 'UTC', enabled: true, max_instances: 2 });
      await em.flush();
      return job.id;
    });
    const claims = await Promise.all(orms.map((orm, i) => inTransaction(orm, (em) => claimRunStart(em, start(jobId, `job-${jobId}-race-${i}`)))));
    expect(claims.filter((claim) => claim.refused === null)).toHaveLength(2);
    const refused = claims.filter((claim) => claim.refused !== null);
    expect(refused).toHaveLength(CONTENDERS - 2);
    for (const claim of refused) {
      expect(claim.run).toMatchObject({ status: 'CANCELLED', error: { type: 'MaxInstancesReached', non_retryable: true } });
      expect(claim.refused).toMatch(/already had 2 run\(s\) going \(max_instances 2\)/);
    }
    // A retried claim answers as the first did; a run already going is never refused (continue-as-new).
    const again = await inTransaction(orms[0]!, (em) => claimRunStart(em, start(jobId, refused[0]!.run.workflow_id)));
    expect(again.refused).toBe(refused[0]!.refused);
    const runningId = claims.find((claim) => claim.refused === null)!.run.workflow_id;
    expect((await inTransaction(orms[0]!, (em) => claimRunStart(em, start(jobId, runningId)))).refused).toBeNull();
  });
});
