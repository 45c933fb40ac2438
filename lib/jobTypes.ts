import { ScheduleOverlapPolicy } from '@temporalio/client';
import { z } from 'zod';
import { createAlertActivities } from '../activities/alerts.ts';
import { createIndicatorActivities } from '../activities/indicators.ts';
import { createMaintenanceActivities } from '../activities/maintenance.ts';
import { createMarketDataActivities } from '../activities/marketData.ts';
import { createNotificationDeliveryActivities } from '../activities/notificationDelivery.ts';
import { createNotificationActivities } from '../activities/notifications.ts';
import { createPositionActivities } from '../activities/positions.ts';
import { createReportActivities } from '../activities/reports.ts';
import { createTradingActivities } from '../activities/trading.ts';
import type * as workflows from '../workflows/index.ts';
import { ALL_SYMBOLS } from '../workflows/names.ts';
import type { JobInput } from '../workflows/types.ts';
import { indicatorAlertParams } from './jobParams/indicatorAlert.ts';
import { maintenanceParams } from './jobParams/maintenance.ts';
import { notificationBatchParams } from './jobParams/notificationBatch.ts';
import { positionMonitorParams } from './jobParams/positionMonitor.ts';
import { priceAlertParams } from './jobParams/priceAlert.ts';
import { reportParams } from './jobParams/report.ts';
import { strategyExecutionParams } from './jobParams/strategyExecution.ts';
import type { WorkerServices } from '../workers/services.ts';
import type { Config } from './config.ts';
import { TASK_QUEUES, type TaskQueue } from './taskQueues.ts';

// The single source of truth for a job type: adding one means a workflow file, an activities file and an entry here.

export { TASK_QUEUES, type TaskQueue };

/** The name of a workflow exported by workflows/index.ts: a typo fails `tsc`. */
export type WorkflowName = keyof typeof workflows;

// Activities are plain async functions; their argument types are the workflow's business, checked there.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ActivityFunctions = Record<string, (...args: any[]) => Promise<unknown>>;
/** Builds a set of activities from the worker's services (each factory takes only what it needs). */
export type ActivityFactory = (services: WorkerServices) => ActivityFunctions;

/** How a job type's runs are started, whether by its schedule or by a manual trigger. */
export interface RunOptions {
  /** The whole run, retries included; past it the run ends TIMED_OUT. */
  executionTimeoutMs: number;
  /** What the schedule does with a fire while an earlier run is still going. */
  overlap: ScheduleOverlapPolicy;
  /** How late a fire may still start after the server was unavailable. */
  catchupWindowMs: number;
  /**
   * How long before each fire its workflow is started, to wait for the fire time inside (0: started at it). Five hundred
   * fires in one second take the server seconds to start; started ahead, they only wake from a timer (README, "Start ahead").
   */
  startAheadMs: number;
}

/** Params are a JSON object; each job type's schema says which. */
type ParamsSchema = z.ZodType<Record<string, unknown>>;

export interface JobTypeDefinition<S extends ParamsSchema = ParamsSchema> {
  workflow: WorkflowName;
  /** Workflows the job's workflow starts as children, on its own queue: the queue's worker bundles them too. */
  childWorkflows?: readonly WorkflowName[];
  taskQueue: TaskQueue;
  /** What `target` names for this job type. */
  target: z.ZodType<string>;
  taskParams: S;
  /** The activities the workflow calls; the queue's worker registers these and no others. */
  activities: readonly ActivityFactory[];
  run: RunOptions;
}

/** The workflow's input must be the job with this schema's parsed params: a mismatch fails `tsc` here. */
type AcceptsParams<W extends WorkflowName, S extends ParamsSchema> = JobInput<z.output<S>> extends Parameters<(typeof workflows)[W]>[0] ? unknown : never;

function defineJobType<W extends WorkflowName, S extends ParamsSchema>(definition: JobTypeDefinition<S> & { workflow: W } & AcceptsParams<W, S>): JobTypeDefinition<S> {
  return definition;
}

const MINUTE = 60_000;
const symbol = z.string().regex(/^[A-Z0-9]{2,20}$/, 'must be an exchange symbol such as BTCUSDT');

/** Alerts: a slow run is not doubled up, one fire waits behind it; a fire more than a minute late is stale. */
const ALERT_RUN_OPTIONS: RunOptions = { executionTimeoutMs: 60 * MINUTE, overlap: ScheduleOverlapPolicy.BUFFER_ONE, catchupWindowMs: MINUTE, startAheadMs: 30_000 };

/** Reports: a late one is still worth having, but never two of the same job at once. */
const REPORT_RUN_OPTIONS: RunOptions = { executionTimeoutMs: 30 * MINUTE, overlap: ScheduleOverlapPolicy.SKIP, catchupWindowMs: 10 * MINUTE, startAheadMs: 0 };

/** Maintenance: never two at once; a pass missed while the server was down is not worth running hours late. */
const MAINTENANCE_RUN_OPTIONS: RunOptions = { executionTimeoutMs: 2 * 60 * MINUTE, overlap: ScheduleOverlapPolicy.SKIP, catchupWindowMs: 60 * MINUTE, startAheadMs: 0 };

/** The job types that have a workflow; the API accepts exactly these. */
export const JOB_TYPES = {
  price_alert: defineJobType({
    workflow: 'priceAlertWorkflow',
    taskQueue: 'alerts',
    target: symbol,
    taskParams: priceAlertParams,
    activities: [createMarketDataActivities, createAlertActivities, createNotificationActivities],
    run: ALERT_RUN_OPTIONS,
  }),
  indicator_alert: defineJobType({
    workflow: 'indicatorAlertWorkflow',
    taskQueue: 'alerts',
    target: symbol,
    taskParams: indicatorAlertParams,
    activities: [createIndicatorActivities, createAlertActivities, createNotificationActivities],
    run: ALERT_RUN_OPTIONS,
  }),
  report: defineJobType({
    workflow: 'reportWorkflow',
    taskQueue: 'reports',
    target: symbol,
    taskParams: reportParams,
    activities: [createReportActivities],
    run: REPORT_RUN_OPTIONS,
  }),
  maintenance: defineJobType({
    workflow: 'maintenanceWorkflow',
    taskQueue: 'maintenance',
    /** Maintenance works on Keel's own database. */
    target: z.literal('database', { error: 'must be database' }),
    taskParams: maintenanceParams,
    activities: [createMaintenanceActivities],
    run: MAINTENANCE_RUN_OPTIONS,
  }),
  // Trades: never two runs of one job at once (SKIP), and a fire more than a minute late is not the price the strategy meant.
  strategy_execution: defineJobType({
    workflow: 'strategyExecutionWorkflow',
    taskQueue: 'trading',
    target: symbol,
    taskParams: strategyExecutionParams,
    // Indicator activities: the `signal` strategy reads its condition on the trading queue.
    activities: [createTradingActivities, createNotificationActivities, createIndicatorActivities],
    run: { executionTimeoutMs: 30 * MINUTE, overlap: ScheduleOverlapPolicy.SKIP, catchupWindowMs: MINUTE, startAheadMs: 0 },
  }),
  // Marks positions and closes those past an exit: never two runs of one job at once; a late mark is still worth making.
  position_monitor: defineJobType({
    workflow: 'positionMonitorWorkflow',
    childWorkflows: ['closePositionWorkflow'],
    taskQueue: 'trading',
    target: z.union([z.literal(ALL_SYMBOLS), symbol], { error: `must be an exchange symbol such as BTCUSDT, or ${ALL_SYMBOLS} for all the bot holds` }),
    taskParams: positionMonitorParams,
    // Trading activities: a close places, settles, records and undoes its sale the way strategy_execution does.
    activities: [createPositionActivities, createTradingActivities, createNotificationActivities],
    run: { executionTimeoutMs: 30 * MINUTE, overlap: ScheduleOverlapPolicy.SKIP, catchupWindowMs: 5 * MINUTE, startAheadMs: 0 },
  }),
  // Delivers the outbox; Keel keeps one such job (notify.batch_cron), and every enqueue kicks a delivery run at once.
  notification_batch: defineJobType({
    workflow: 'notificationBatchWorkflow',
    taskQueue: 'notifications',
    target: z.literal('outbox'),
    taskParams: notificationBatchParams,
    activities: [createNotificationDeliveryActivities],
    // A round already running delivers what the next fire would: skip that fire.
    run: { executionTimeoutMs: 60 * MINUTE, overlap: ScheduleOverlapPolicy.SKIP, catchupWindowMs: MINUTE, startAheadMs: 0 },
  }),
} as const satisfies Record<string, JobTypeDefinition>;

export type JobType = keyof typeof JOB_TYPES;
export const JOB_TYPE_NAMES = Object.keys(JOB_TYPES) as JobType[];

export function jobTypeDefinition(jobType: string): JobTypeDefinition | undefined {
  return Object.hasOwn(JOB_TYPES, jobType) ? JOB_TYPES[jobType as JobType] : undefined;
}

/**
 * Applies the config's per-type overrides of run options (`job_types.<type>.execution_timeout_ms`, `start_ahead_ms`); every process
 * calls it at boot (lib/boot.ts), so schedules, triggers and the reconciler all see the same timeout.
 */
export function applyJobTypeConfig(overrides: Config['job_types']): void {
  for (const [jobType, override] of Object.entries(overrides)) {
    const definition = jobTypeDefinition(jobType);
    if (!definition) throw new Error(`job_types.${jobType}: no such job type (one of ${JOB_TYPE_NAMES.join(', ')})`);
    if (override.execution_timeout_ms !== undefined) definition.run = { ...definition.run, executionTimeoutMs: override.execution_timeout_ms };
    if (override.start_ahead_ms !== undefined) definition.run = { ...definition.run, startAheadMs: override.start_ahead_ms };
  }
}

/** The job types whose workflows run on a queue. */
export function jobTypesOn(queue: TaskQueue): JobTypeDefinition[] {
  return Object.values(JOB_TYPES).filter((definition) => definition.taskQueue === queue);
}

/** The names of the job types whose workflows run on a queue (e.g. the trading ones the kill switch stops). */
export function jobTypeNamesOn(queue: TaskQueue): JobType[] {
  return JOB_TYPE_NAMES.filter((name) => JOB_TYPES[name].taskQueue === queue);
}

/** The task queues that have at least one job type: the ones that need a worker. */
export function activeTaskQueues(): TaskQueue[] {
  return TASK_QUEUES.filter((queue) => jobTypesOn(queue).length > 0);
}
