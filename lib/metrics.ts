import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DatabaseBreakerStore } from '../db/repositories/circuitBreakers.ts';
import { inTransaction, type Orm } from '../db/orm.ts';
import { countRunsByTypeAndStatus } from '../db/repositories/jobRuns.ts';

const BREAKER_STATE_VALUE = { closed: 0, half_open: 1, open: 2 } as const;

export interface ApiMetrics {
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
  /** What the schedule reconciler changed in Temporal (recreated, updated, deleted) or adopted from it (adopted_pause). */
  scheduleReconcileChanges: Counter<'change'>;
  /** Fire times this process settled into the ledger, by job type and outcome. */
  scheduleFires: Counter<'job_type' | 'outcome'>;
  /** Workflow start minus nominal fire time of each fire settled as started. */
  scheduleLag: Histogram<'job_type'>;
  /** ErrorEvents of the last minute by severity (and `all`), as the error monitor's last pass counted them. */
  errorRatePerMinute: Gauge<'severity'>;
  /** Alerts this process queued for a crossed error-monitor rule (one per rule per cooldown across processes). */
  errorAlerts: Counter<'rule'>;
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
  new Gauge({
    name: 'keel_circuit_breaker_state',
    help: 'Circuit breaker state shared by every worker: 0 closed, 1 half-open, 2 open',
    labelNames: ['name'] as const,
    registers: [registry],
    async collect() {
      const records = await new DatabaseBreakerStore(orm).list();
      this.reset();
      for (const record of records) this.set({ name: record.name }, BREAKER_STATE_VALUE[record.state]);
    },
  });
  new Gauge({
    name: 'keel_circuit_breaker_failures',
    help: 'Transient failures a circuit breaker has counted in its current window or since it opened',
    labelNames: ['name'] as const,
    registers: [registry],
    async collect() {
      const records = await new DatabaseBreakerStore(orm).list();
      this.reset();
      for (const record of records) this.set({ name: record.name }, record.failure_count);
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
  const errorRatePerMinute = new Gauge({
    name: 'keel_error_rate_per_minute',
    help: 'ErrorEvents recorded by every process in the last minute, by severity (all: every severity), at the last monitor pass',
    labelNames: ['severity'] as const,
    registers: [registry],
  });
  const errorAlerts = new Counter({
    name: 'keel_error_alerts_total',
    help: 'Error-monitor alerts this process queued, by rule (error_rate, severity:<name>)',
    labelNames: ['rule'] as const,
    registers: [registry],
  });
  return { registry, httpRequestDuration, scheduleReconcileChanges, scheduleFires, scheduleLag, errorRatePerMinute, errorAlerts };
}
