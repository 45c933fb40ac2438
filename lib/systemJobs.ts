import { JobSchedule } from '../db/entities/index.ts';
import { inTransaction, type Orm } from '../db/orm.ts';
import type { Config } from './config.ts';
import type { JobScheduler } from './jobScheduler.ts';
import { JOB_TYPES } from './jobTypes.ts';
import type { Logger } from './logger.ts';

/** The name Keel's own maintenance job goes by: how start-up finds it again. */
export const MAINTENANCE_JOB_NAME = 'keel maintenance';

/**
 * Creates Keel's maintenance job (owned by the system user, shown in GET /jobs like any job) unless it exists, and puts
 * its cron back to the config's; safe to run at every start. Answers the job's id, or null when the config turns it off.
 */
export async function ensureMaintenanceJob(deps: { orm: Orm; scheduler: JobScheduler; config: Config; logger: Logger }): Promise<number | null> {
  const { system_job, cron, system_user_id } = deps.config.maintenance;
  if (!system_job) return null;
  const existing = await inTransaction(deps.orm, (em) => em.findOne(JobSchedule, { user_id: system_user_id, job_type: 'maintenance', name: MAINTENANCE_JOB_NAME, state: 'active' }));
  if (existing) {
    if (existing.cron !== cron) await deps.scheduler.update(existing.id, { cron });
    return existing.id;
  }
  const job = await deps.scheduler.create({
    user_id: system_user_id,
    name: MAINTENANCE_JOB_NAME,
    job_type: 'maintenance',
    target: 'database',
    task_params: JOB_TYPES.maintenance.taskParams.parse({}),
    cron,
    timezone: 'UTC',
    enabled: true,
  });
  deps.logger.info({ job_id: job.id, cron }, 'created the maintenance job');
  return job.id;
}
