import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Alert, Notification, PriceAlertState } from '../../db/entities/index.ts';
import { inTransaction, initORM, migrate, type Orm } from '../../db/orm.ts';
import { addJobSchedule } from '../../db/repositories/jobSchedules.ts';
import { firePriceAlert, type PriceAlertFire } from '../../db/services/priceAlerts.ts';
import { loadConfig } from '../../lib/config.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/databases.ts';
import { priceAlertJob } from '../helpers/jobs.ts';

const config = loadConfig({ CONFIG_DIR: join(import.meta.dirname, '..', '..', 'config') });

/** Inserts into notifications fail while this trigger exists: the outbox write of a firing run breaks half-way. */
const REFUSE_NOTIFICATIONS = {
  sqlite: ["create trigger refuse_notification before insert on notifications begin select raise(abort, 'refused by the test'); end"],
  postgresql: [
    "create function refuse_notification() returns trigger language plpgsql as $$ begin raise exception 'refused by the test'; end $$",
    'create trigger refuse_notification before insert on notifications for each row execute function refuse_notification()',
  ],
};
const ALLOW_NOTIFICATIONS = { sqlite: ['drop trigger refuse_notification'], postgresql: ['drop trigger refuse_notification on notifications', 'drop function refuse_notification()'] };

// A price alert run's decision, its alert and its notification are one write: all of it or none of it.
describe.each(DATABASE_KINDS)('firing a price alert on %s', (kind) => {
  let database: TestDatabase;
  let orm: Orm;
  let jobId: number;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    orm = await initORM({ url: database.url });
    await migrate(orm);
    jobId = await inTransaction(orm, async (em) => {
      const job = addJobSchedule(em, { ...priceAlertJob(), timezone: 'UTC', enabled: true });
      await em.flush();
      return job.id;
    });
  });

  afterAll(async () => {
    await orm?.close();
    await database?.drop();
  });

  const fireOf = (workflowId: string, price: number): PriceAlertFire => ({
    job_id: jobId,
    workflow_id: workflowId,
    params: { condition: 'above', value: 100, mode: 'every_time' },
    observation: { price },
    alert: { job_id: jobId, job_type: 'price_alert', user_id: 1, symbol: 'BTCUSDT', condition: 'above', value: 100, price, fired_at: new Date().toISOString(), workflow_id: workflowId, temporal_run_id: 'r' },
    notification: { idempotency_key: `${workflowId}/notify`, title: 'Price alert', text: `BTCUSDT is ${price}`, job_id: jobId, user_id: 1, data: { price } },
  });
  const counts = (workflowId: string) =>
    inTransaction(orm, async (em) => ({
      alerts: await em.count(Alert, { workflow_id: workflowId }),
      notifications: await em.count(Notification, { idempotency_key: `${workflowId}/notify` }),
    }));
  const execute = async (statements: string[]) => {
    for (const statement of statements) await orm.em.getConnection().execute(statement);
  };

  it('writes nothing but the state when the condition does not hold', async () => {
    const decision = await firePriceAlert(orm, config.notify, fireOf('wf-below', 99));
    expect(decision).toMatchObject({ triggered: false, evaluated: { price: 99 } });
    expect(decision).not.toHaveProperty('queued');
    expect(await counts('wf-below')).toEqual({ alerts: 0, notifications: 0 });
  });

  it('records the alert and queues its notification once, however often the run retries', async () => {
    const first = await firePriceAlert(orm, config.notify, fireOf('wf-fires', 150));
    expect(first).toMatchObject({ triggered: true, queued: { created: true, row: { status: 'pending', channel: 'log' } } });
    // The retry finds the run's decision and rows, even at a price that would not fire now.
    const retried = await firePriceAlert(orm, config.notify, fireOf('wf-fires', 50));
    expect(retried).toMatchObject({ triggered: true, queued: { created: false, row: { id: first.queued!.row.id } } });
    expect(retried.evaluated).toBeUndefined();
    expect(await counts('wf-fires')).toEqual({ alerts: 1, notifications: 1 });
  });

  it('leaves state, alert and notification as they were when the outbox write fails, and fires on the retry', async () => {
    const stateBefore = await inTransaction(orm, (em) => em.findOneOrFail(PriceAlertState, { job_id: jobId }));
    await execute(REFUSE_NOTIFICATIONS[kind]);
    try {
      await expect(firePriceAlert(orm, config.notify, fireOf('wf-outbox-down', 160))).rejects.toThrow(/refused by the test/);
    } finally {
      await execute(ALLOW_NOTIFICATIONS[kind]);
    }
    expect(await counts('wf-outbox-down')).toEqual({ alerts: 0, notifications: 0 });
    const stateAfter = await inTransaction(orm, (em) => em.findOneOrFail(PriceAlertState, { job_id: jobId }));
    expect(stateAfter.workflow_id).toBe(stateBefore.workflow_id);

    expect(await firePriceAlert(orm, config.notify, fireOf('wf-outbox-down', 160))).toMatchObject({ triggered: true, queued: { created: true } });
    expect(await counts('wf-outbox-down')).toEqual({ alerts: 1, notifications: 1 });
  });
});
