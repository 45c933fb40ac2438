import { JobSchedule } from '../db/entities/index.ts';
import { inTransaction, type Orm } from '../db/orm.ts';
import type { Config } from '../lib/config.ts';
import type { JobScheduler } from '../lib/jobScheduler.ts';
import type { Logger } from '../lib/logger.ts';

/** The owner of the jobs Keel keeps for itself. */
export const SYSTEM_USER_ID = 0;
export const DELIVERY_JOB_NAME = 'notification delivery';

/**
 * Makes sure the notification_batch job exists with the configured cron: created at the first start, its cron
 * brought in line later, left alone otherwise (so a pause through the API stays). A job like any other in the API.
 */
export async function ensureDeliveryJob(deps: { orm: Orm; scheduler: JobScheduler; logger: Logger }, notify: Config['notify']): Promise<JobSchedule | null> {
  if (!notify.batch_cron) return null;
  const existing = await inTransaction(deps.orm, (em) => em.findOne(JobSchedule, { job_type: 'notification_batch', user_id: SYSTEM_USER_ID, state: { $in: ['active', 'pending'] } }));
  if (existing?.state === 'pending') return existing;
  if (existing) return existing.cron === notify.batch_cron ? existing : deps.scheduler.update(existing.id, { cron: notify.batch_cron });
  const job = await deps.scheduler.create({
    user_id: SYSTEM_USER_ID,
    name: DELIVERY_JOB_NAME,
    job_type: 'notification_batch',
    target: 'outbox',
    task_params: { batch_size: 100, linger_seconds: 0 },
    cron: notify.batch_cron,
    timezone: 'UTC',
    enabled: true,
  });
  deps.logger.info({ job_id: job.id, cron: job.cron }, 'created the notification_batch job that delivers the outbox');
  return job;
}
