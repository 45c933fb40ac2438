import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Orm } from '../db/orm.ts';
import type { Config } from '../lib/config.ts';
import { startErrorMonitor } from '../lib/errorMonitor.ts';
import { startFireLedgerTasks } from '../lib/fires/fireLedgerTasks.ts';
import { startJobReconciler } from '../lib/jobReconciler.ts';
import { JobScheduler } from '../lib/jobScheduler.ts';
import type { Logger } from '../lib/logger.ts';
import { createApiMetrics } from '../lib/metrics.ts';
import { ownerAlertsThrough } from '../lib/ownerAlerts.ts';
import { ensureMaintenanceJob } from '../lib/systemJobs.ts';
import type { TemporalClient } from '../lib/temporal.ts';
import { createOutboxNotifier } from '../notifications/outboxNotifier.ts';
import { ensureDeliveryJob } from '../notifications/deliverySchedule.ts';
import { createApp } from './app.ts';

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

export interface ApiRuntime {
  config: Config;
  adminKey: string;
  orm: Orm;
  temporal: TemporalClient;
  logger: Logger;
}

/** Serves the API on config.api.host:port (port 0 picks a free one); close() stops taking requests and drains. */
export async function startApi(runtime: ApiRuntime): Promise<RunningApi> {
  const metrics = createApiMetrics(runtime.orm);
  // What the API process tells a job's owner goes through the outbox, like every other notification.
  const outbox = createOutboxNotifier({ ...runtime, notify: runtime.config.notify });
  // Runs at start-up, every reconcile.schedules_interval_ms, and for POST /jobs/reconcile.
  const reconciler = startJobReconciler(
    { ...runtime, changes: metrics.scheduleReconcileChanges, livenessGraceMs: runtime.config.schedule.liveness_grace_ms, alertOwner: ownerAlertsThrough(outbox) },
    runtime.config.reconcile.schedules_interval_ms,
  );
  // The fire ledger and the ENQUEUED watcher (README, "The fire ledger").
  const fires = startFireLedgerTasks({ ...runtime, metrics, notifier: outbox, config: runtime.config.fires });
  // The seed's error monitor over every process's ErrorEvents (README, "Error monitor").
  const errorMonitor = startErrorMonitor({ ...runtime, config: runtime.config.error_handling.monitoring, alerts: outbox, metrics });
  const scheduler = new JobScheduler(runtime);
  // Keel's own schedules: created once, found again at every start; a failure here must not keep the API down.
  await ensureMaintenanceJob({ ...runtime, scheduler }).catch((error: unknown) => runtime.logger.warn({ err: error }, 'could not ensure the maintenance job; it is tried again at the next start'));
  await ensureDeliveryJob({ ...runtime, scheduler }, runtime.config.notify).catch((error: unknown) => runtime.logger.error({ err: error }, 'could not create the notification_batch job'));
  const app = createApp({
    ...runtime,
    scheduler,
    reconciler,
    metrics,
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, hostname: runtime.config.api.host, port: runtime.config.api.port }, () => resolve(started));
    started.once('error', reject);
  }).catch(async (error: unknown) => {
    await Promise.all([reconciler.stop(), fires.stop(), errorMonitor.stop()]);
    throw error;
  });
  const { port } = server.address() as AddressInfo;
  const host = runtime.config.api.host.includes(':') ? `[${runtime.config.api.host}]` : runtime.config.api.host;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    close: async () => {
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      await Promise.all([reconciler.stop(), fires.stop(), errorMonitor.stop()]);
    },
  };
}
