import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createJobRunActivities } from '../activities/jobRuns.ts';
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
  const definitions = jobTypesOn(options.queue);
  if (definitions.length === 0) throw new Error(`no job type runs on task queue ${options.queue}`);
  const factories = new Set(definitions.flatMap((definition) => definition.activities));
  const activities: ActivityFunctions = { ...createJobRunActivities(options.services) };
  for (const factory of factories) Object.assign(activities, factory(options.services));

  // The bundle's entry re-exports only this queue's workflows, so a misrouted workflow type fails loudly.
  const entryDir = await mkdtemp(join(tmpdir(), `keel-workflows-${options.queue}-`));
  try {
    const entry = join(entryDir, 'index.ts');
    const names = [...new Set(definitions.map((definition) => definition.workflow))];
    await writeFile(entry, `export { ${names.join(', ')} } from ${JSON.stringify(WORKFLOWS_PATH)};\n`);
    return await Worker.create({
      connection: options.connection,
      namespace: options.namespace,
      taskQueue: options.queue,
      identity: workerIdentity(options.queue),
      activities,
      workflowsPath: entry,
      // The bundler resolves its own runtime from the entry's folder, a temp dir: point it at ours.
      bundlerOptions: { webpackConfigHook: (config) => ({ ...config, resolve: { ...config.resolve, modules: [...(config.resolve?.modules ?? ['node_modules']), NODE_MODULES] } }) },
      interceptors: { workflowModules: [JOB_RUN_INTERCEPTOR_PATH], activity: [activityLogInterceptor, activityFailureInterceptor, heartbeatInterceptor] },
      // On SIGTERM in-flight activities get this long to finish; then they are cancelled and handed back to the server.
      shutdownGraceTime: WORKER_SHUTDOWN_GRACE,
    });
  } finally {
    await rm(entryDir, { recursive: true, force: true });
  }
}

export async function connectWorker(config: Config['temporal']): Promise<NativeConnection> {
  return NativeConnection.connect({ address: config.address });
}
