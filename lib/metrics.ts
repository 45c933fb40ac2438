import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { inTransaction, type Orm } from '../db/orm.ts';
import { countRunsByTypeAndStatus } from '../db/repositories/jobRuns.ts';

export interface ApiMetrics {
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
  /** What the schedule reconciler changed in Temporal (recreated, updated, deleted) or adopted from it (adopted_pause). */
  scheduleReconcileChanges: Counter<'change'>;
  /** Fire times this process settled into the ledger, by job type and outcome. */
  scheduleFires: Counter<'job_type' | 'outcome'>;
  /** Workflow start minus nominal fire time of each fire settled as started. */
  scheduleLag: Histogram<'job_type'>;
}

/** The API's registry: process defaults, HTTP timings, and job runs read from the database at scrape time. */
export function createApiMetrics(orm: Orm): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'keel_' });
  const httpRequestDuration = new Histogram({
    name: 'keel_http_request_duration_seconds',
    help: 'HTTP API request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  new Counter({
    name: 'keel_job_runs_total',
    help: 'Job runs by job type and status, as recorded in the database by every worker',
    labelNames: ['job_type', 'status'] as const,
    registers: [registry],
    // Counted from the database so every worker process's runs are included, whichever process serves /metrics.
    async collect() {
      const counts = await inTransaction(orm, (em) => countRunsByTypeAndStatus(em));
      this.reset();
      for (const { job_type, status, count } of counts) this.inc({ job_type, status }, count);
    },
  });
  const scheduleReconcileChanges = new Counter({
    name: 'keel_schedule_reconcile_changes_total',
    help: 'Changes the schedule reconciler made to bring Temporal schedules and job rows together, by change',
    labelNames: ['change'] as const,
    registers: [registry],
  });
  const scheduleFires = new Counter({
    name: 'keel_schedule_fires_total',
    help: 'Fire times settled into the fire ledger by this process, by job type and outcome',
    labelNames: ['job_type', 'outcome'] as const,
    registers: [registry],
  });
  const scheduleLag = new Histogram({
    name: 'keel_schedule_lag_seconds',
    help: 'Workflow start minus nominal fire time of the fires settled as started, by job type',
    labelNames: ['job_type'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  return { registry, httpRequestDuration, scheduleReconcileChanges, scheduleFires, scheduleLag };
}
