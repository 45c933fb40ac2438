import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Config } from '../lib/config.ts';
import type { TaskQueue } from '../lib/jobTypes.ts';
import { activityLogInterceptor } from './activityLogInterceptor.ts';
import type { Activities } from './activities.ts';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
const JOB_RUN_INTERCEPTOR_PATH = fileURLToPath(new URL('../workflows/jobRunInterceptor.ts', import.meta.url));

export function workerIdentity(queue: TaskQueue): string {
  return `${queue}@${hostname()}:${process.pid}`;
}

export interface KeelWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  queue: TaskQueue;
  activities: Partial<Activities>;
}

/** One worker for one task queue: all job workflows, the given activities, run recording and log context. */
export async function createKeelWorker(options: KeelWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.queue,
    identity: workerIdentity(options.queue),
    activities: options.activities,
    workflowsPath: WORKFLOWS_PATH,
    interceptors: { workflowModules: [JOB_RUN_INTERCEPTOR_PATH], activity: [activityLogInterceptor] },
    shutdownGraceTime: '10 seconds',
  });
}

export async function connectWorker(config: Config['temporal']): Promise<NativeConnection> {
  return NativeConnection.connect({ address: config.address });
}
