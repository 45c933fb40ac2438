import { Context, log } from '@temporalio/activity';
import { reconcilePendingJobs } from '../lib/jobReconciler.ts';
import { optimizeDatabase, pruneTable, type PrunedTable } from '../lib/maintenance/database.ts';
import { ScheduleReconciler, type ScheduleReconciliation } from '../lib/scheduleReconciler.ts';
import type { WorkerServices } from '../workers/services.ts';

/** Keel's own upkeep: retention of old rows, database statistics and free space, schedules held to their rows. */
export function createMaintenanceActivities({ orm, temporal, logger, config }: WorkerServices) {
  const { retention, batch_size } = config.maintenance;
  return {
    /** Deletes rows past their retention, table by table, in batches; a retry starts over and finds less to do. */
    async pruneOldRows(): Promise<PrunedTable[]> {
      const now = new Date();
      const pruned: PrunedTable[] = [];
      for (const rule of retention) {
        const result = await pruneTable(orm, rule, batch_size, now, () => Context.current().heartbeat(rule.table));
        log.info('retention applied', { ...rule, deleted: result.deleted, exists: result.exists });
        pruned.push(result);
      }
      return pruned;
    },

    async optimizeDatabase(): Promise<string[]> {
      const done = await optimizeDatabase(orm, retention.map((rule) => rule.table));
      log.info('database optimized', { statements: done });
      return done;
    },

    /** One pass of the job reconciler: half-created or half-deleted jobs settled, Temporal's schedules made to match the rows. */
    async reconcileSchedules(): Promise<ScheduleReconciliation & { settled: number[] }> {
      const settled = await reconcilePendingJobs({ orm, temporal, logger });
      const changes = await new ScheduleReconciler({ orm, temporal, logger }).reconcile();
      return { settled, ...changes };
    },
  };
}

export type MaintenanceActivities = ReturnType<typeof createMaintenanceActivities>;
