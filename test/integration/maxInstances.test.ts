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
      expect(claim.refused).toMatchObject({ type: 'MaxInstancesReached', message: expect.stringMatching(/already had 2 run\(s\) going \(max_instances 2\)/) });
    }
    // A retried claim answers as the first did; a run already going is never refused (continue-as-new).
    const again = await inTransaction(orms[0]!, (em) => claimRunStart(em, start(jobId, refused[0]!.run.workflow_id)));
    expect(again.refused).toEqual(refused[0]!.refused);
    const runningId = claims.find((claim) => claim.refused === null)!.run.workflow_id;
    expect((await inTransaction(orms[0]!, (em) => claimRunStart(em, start(jobId, runningId)))).refused).toBeNull();
  });

  it('refuses a run started ahead of its fire whose job was paused or deleted meanwhile, and no other run of that job', async () => {
    const jobId = await inTransaction(orms[0]!, async (em) => {
      const job = addJobSchedule(em, { user_id: 1, name: 'paused while waiting', job_type: 'price_alert', target: 'BTCUSDT', task_params: {}, cron: '* * * * *', timezone: 'UTC', enabled: false });
      await em.flush();
      return job.id;
    });
    const ahead = (workflowId: string, id = jobId) => ({ ...start(id, workflowId), enqueued_at: new Date(Date.now() - 30_000) });
    const claim = await inTransaction(orms[0]!, (em) => claimRunStart(em, ahead(`job-${jobId}-ahead`)));
    expect(claim.refused).toMatchObject({ type: 'JobPausedBeforeFire' });
    expect(claim.run).toMatchObject({ status: 'CANCELLED', error: { type: 'JobPausedBeforeFire', non_retryable: true } });
    // A deleted job's run that waited is refused too; a run not started ahead (a manual trigger) runs.
    expect((await inTransaction(orms[0]!, (em) => claimRunStart(em, ahead('job-999999-ahead', 999_999)))).refused).toMatchObject({ type: 'JobPausedBeforeFire' });
    expect((await inTransaction(orms[0]!, (em) => claimRunStart(em, start(jobId, `job-${jobId}-manual-1`)))).refused).toBeNull();
  });
});
