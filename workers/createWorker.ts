import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, NativeConnection, Runtime, Worker, type WorkerOptions, type WorkflowBundle } from '@temporalio/worker';
import { createJobRunActivities } from '../activities/jobRuns.ts';
import { pauseOnFailureStreak } from '../lib/failureStreak.ts';
import type { Config } from '../lib/config.ts';
import { BUILT_IN_RETRY_POLICIES, type RetryPolicyConfig } from '../lib/retryStrategies.ts';
import { jobTypesOn, type ActivityFunctions, type TaskQueue } from '../lib/jobTypes.ts';
import { activityFailureInterceptor } from './activityFailureInterceptor.ts';
import { activityLogInterceptor } from './activityLogInterceptor.ts';
import { heartbeatInterceptor } from './heartbeatInterceptor.ts';
import type { WorkerServices } from './services.ts';

const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
const JOB_RUN_INTERCEPTOR_PATH = fileURLToPath(new URL('../workflows/jobRunInterceptor.ts', import.meta.url));
const RETRY_POLICY_HEADER_PATH = fileURLToPath(new URL('../workflows/retryPolicyHeader.ts', import.meta.url));
const RETRY_POLICY_TABLE_PATH = fileURLToPath(new URL('../workflows/retryPolicyTable.ts', import.meta.url));
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
  const retryPolicies = options.services.config.error_handling.retry_policies;
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.queue,
    identity: workerIdentity(options.queue),
    activities,
    workflowBundle: await bundleQueueWorkflows(options.queue, retryPolicies),
    interceptors: { activity: [activityLogInterceptor, activityFailureInterceptor(retryPolicies, options.services.errorEvents), heartbeatInterceptor] },
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
 * The bundle's entry re-exports only this queue's workflows, so a misrouted workflow type fails loudly; it first hands
 * the configured retry policies to the workflow code (imports run in order), since workflows cannot read config.
 */
export async function bundleQueueWorkflows(queue: TaskQueue, retryPolicies: Record<string, RetryPolicyConfig> = BUILT_IN_RETRY_POLICIES): Promise<WorkflowBundle> {
  const names = [...new Set(jobTypesOn(queue).flatMap((definition) => [definition.workflow, ...(definition.childWorkflows ?? [])]))];
  if (names.length === 0) throw new Error(`no job type runs on task queue ${queue}`);
  const entryDir = await mkdtemp(join(tmpdir(), `keel-workflows-${queue}-`));
  try {
    const entry = join(entryDir, 'index.ts');
    const policiesModule = join(entryDir, 'retryPolicies.ts');
    await writeFile(policiesModule, `import { useRetryPolicies } from ${JSON.stringify(RETRY_POLICY_TABLE_PATH)};\nuseRetryPolicies(${JSON.stringify(retryPolicies)});\n`);
    await writeFile(entry, `import './retryPolicies.ts';\nexport { ${names.join(', ')} } from ${JSON.stringify(WORKFLOWS_PATH)};\n`);
    return await bundleWorkflowCode({
      workflowsPath: entry,
      workflowInterceptorModules: [JOB_RUN_INTERCEPTOR_PATH, RETRY_POLICY_HEADER_PATH],
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
