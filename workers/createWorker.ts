import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, NativeConnection, Runtime, Worker, type WorkerOptions, type WorkflowBundle } from '@temporalio/worker';
import { createJobRunActivities } from '../activities/jobRuns.ts';
import { pauseOnFailureStreak } from '../lib/failureStreak.ts';
import type { Config } from '../lib/config.ts';
import { jobTypesOn, type ActivityFunctions, type TaskQueue } from '../lib/jobTypes.ts';
import { activityFailureInterceptor } from './activityFailureInterceptor.ts';
import { activityLogInterceptor } from './activityLogInterceptor.ts';
import { heartbeatInterceptor } from './heartbeatInterceptor.ts';
import type { WorkerServices } from './services.ts';

const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
const JOB_RUN_INTERCEPTOR_PATH = fileURLToPath(new URL('../workflows/jobRunInterceptor.ts', import.meta.url));
const NODE_MODULES = fileURLToPath(new URL('../node_modules', import.meta.url));

export const WORKER_SHUTDOWN_GRACE = '10 seconds';

export function workerIdentity(queue: TaskQueue): string {
  return `${queue}@${hostname()}:${process.pid}`;
}

export interface KeelWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  queue: TaskQueue;
  services: WorkerServices;
}

/** One worker for one task queue: the workflows and activities of that queue's job types, run recording and error mapping. */
export async function createKeelWorker(options: KeelWorkerOptions): Promise<Worker> {
  const factories = new Set(jobTypesOn(options.queue).flatMap((definition) => definition.activities));
  const activities: ActivityFunctions = { ...createJobRunActivities({ ...options.services, afterRunFailed: (jobId) => pauseOnFailureStreak(options.services, jobId) }) };
  for (const factory of factories) Object.assign(activities, factory(options.services));
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.queue,
    identity: workerIdentity(options.queue),
    activities,
    workflowBundle: await bundleQueueWorkflows(options.queue),
    interceptors: { activity: [activityLogInterceptor, activityFailureInterceptor, heartbeatInterceptor] },
    // On SIGTERM in-flight activities get this long to finish; then they are cancelled and handed back to the server.
    shutdownGraceTime: WORKER_SHUTDOWN_GRACE,
    ...concurrencyOf(options.services.config, options.queue),
  });
}

/** The queue's bulkhead from config (`worker.queues.<queue>`); a queue left out keeps the SDK's defaults. */
function concurrencyOf(config: Config, queue: TaskQueue): Pick<WorkerOptions, 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions'> {
  const limits = config.worker.queues[queue];
  return limits ? { maxConcurrentActivityTaskExecutions: limits.max_concurrent_activities, maxConcurrentWorkflowTaskExecutions: limits.max_concurrent_workflow_tasks } : {};
}

/**
 * The workflow code of one queue, with the run-recording interceptor: what its worker runs and what replay tests replay.
 * The bundle's entry re-exports only this queue's workflows, so a misrouted workflow type fails loudly.
 */
export async function bundleQueueWorkflows(queue: TaskQueue): Promise<WorkflowBundle> {
  const names = [...new Set(jobTypesOn(queue).map((definition) => definition.workflow))];
  if (names.length === 0) throw new Error(`no job type runs on task queue ${queue}`);
  const entryDir = await mkdtemp(join(tmpdir(), `keel-workflows-${queue}-`));
  try {
    const entry = join(entryDir, 'index.ts');
    await writeFile(entry, `export { ${names.join(', ')} } from ${JSON.stringify(WORKFLOWS_PATH)};\n`);
    return await bundleWorkflowCode({
      workflowsPath: entry,
      workflowInterceptorModules: [JOB_RUN_INTERCEPTOR_PATH],
      logger: Runtime.instance().logger,
      // The bundler resolves its own runtime from the entry's folder, a temp dir: point it at ours.
      webpackConfigHook: (config) => ({ ...config, resolve: { ...config.resolve, modules: [...(config.resolve?.modules ?? ['node_modules']), NODE_MODULES] } }),
    });
  } finally {
    await rm(entryDir, { recursive: true, force: true });
  }
}

export async function connectWorker(config: Config['temporal']): Promise<NativeConnection> {
  return NativeConnection.connect({ address: config.address });
}
