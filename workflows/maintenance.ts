import type { MaintenanceActivities } from '../activities/maintenance.ts';
import type { MaintenanceParams } from '../lib/jobParams/maintenance.ts';
import { activitiesWithProfile } from './activityProfiles.ts';
import type { JobInput, MaintenanceResult } from './types.ts';

const { pruneOldRows, optimizeDatabase, reconcileSchedules } = activitiesWithProfile<MaintenanceActivities>('maintenance');

/** Retention first (so the statistics see what is left), then ANALYZE/VACUUM, then the schedule reconciler. */
export async function maintenanceWorkflow(job: JobInput<MaintenanceParams>): Promise<MaintenanceResult> {
  const result: MaintenanceResult = {};
  if (job.task_params.retention) result.deleted = Object.fromEntries((await pruneOldRows()).filter((table) => table.exists).map((table) => [table.table, table.deleted]));
  if (job.task_params.optimize) result.optimized = await optimizeDatabase();
  if (job.task_params.reconcile) result.reconciled = await reconcileSchedules();
  return result;
}
