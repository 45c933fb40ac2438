import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, inject } from 'vitest';
import { startApi } from '../../api/startApi.ts';
import { initORM, type DatabaseKind, type Orm } from '../../db/orm.ts';
import { bootPlatform } from '../../lib/boot.ts';
import { loadConfig, type Config } from '../../lib/config.ts';
import type { TaskQueue } from '../../lib/jobTypes.ts';
import { createLogger } from '../../lib/logger.ts';
import type { TemporalClient } from '../../lib/temporal.ts';
import { installTemporalRuntime } from '../../lib/temporalRuntime.ts';
import { connectWorker, createKeelWorker, workerIdentity } from '../../workers/createWorker.ts';
import { createWorkerServices } from '../../workers/services.ts';
import { cleanNamespace, deleteSchedules } from './cleanNamespace.ts';
import { createTestDatabase } from './databases.ts';

export const ADMIN_KEY = 'test-admin-key-0123456789';

/** The Temporal namespace of this vitest pool worker: files running side by side never share one. */
export function testNamespace(): string {
  return `keel-test-${process.env.VITEST_POOL_ID ?? '1'}`;
}

export interface TestPlatform {
  config: Config;
  orm: Orm;
  temporal: TemporalClient;
  apiUrl: string;
  /** An authenticated JSON request to the API. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export interface TestPlatformOptions {
  db: DatabaseKind;
  /** The task queues to run a worker for, as `npm start` would; none when the test needs only the API. */
  queues?: TaskQueue[];
  env?: Record<string, string>;
  logLines?: string[];
  /** Workers write through a database connection of their own, as separate worker processes do (SQLite locks between them). */
  workerConnection?: 'shared' | 'own';
  /** A PostgreSQL server of the test's own (to stop and start) instead of the suite's. */
  postgresServerUrl?: string;
}

/**
 * The real platform in this process: config from the YAML files and an environment, a migrated database,
 * the Temporal dev server the suite started, a worker per queue asked for and the HTTP API on a free port.
 */
export async function startTestPlatform(options: TestPlatformOptions): Promise<TestPlatform> {
  await cleanNamespace(inject('temporalAddress'), testNamespace());
  const database = await createTestDatabase(options.db, options.postgresServerUrl);
  const dataDir = mkdtempSync(join(tmpdir(), 'keel-data-'));
  const config = loadConfig({
    APP_ENV: 'test',
    CONFIG_DIR: join(import.meta.dirname, '..', '..', 'config'),
    DATA_DIR: dataDir,
    DB_URL: database.url,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: testNamespace(),
    API_PORT: '0',
    API_ADMIN_KEY: ADMIN_KEY,
    TEST_LOG_LEVEL: process.env.TEST_LOG_LEVEL,
    ...options.env,
  });
  const logger = createLogger(config, { role: 'test' }, options.logLines ? { write: (line: string) => options.logLines!.push(line) } : undefined);
  installTemporalRuntime(logger);

  const platform = await bootPlatform(config, logger, { migrations: 'apply' });
  const { orm, temporal } = platform;

  const workerOrm = options.workerConnection === 'own' ? await initORM(config.db, logger) : orm;
  const connection = await connectWorker(config.temporal);
  const services = (options.queues ?? []).map((queue) => ({ queue, services: createWorkerServices(config, { orm: workerOrm, temporal, logger, workerId: workerIdentity(queue) }) }));
  const workers = await Promise.all(services.map(({ queue, services }) => createKeelWorker({ connection, namespace: config.temporal.namespace, queue, services })));
  const workerRuns = workers.map((worker) => worker.run());
  const api = await startApi({ config, adminKey: ADMIN_KEY, orm, temporal, logger });

  return {
    config,
    orm,
    temporal,
    apiUrl: api.url,
    async api(method, path, body, headers = {}) {
      const response = await fetch(`${api.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
    },
    async close() {
      // The namespace outlives this file: its schedules must not fire into the next one.
      await deleteSchedules(temporal.client);
      await api.close();
      for (const worker of workers) worker.shutdown();
      await Promise.all(workerRuns);
      for (const worker of services) {
        worker.services.breakers.close();
        await worker.services.errorEvents.close();
      }
      await connection.close();
      if (workerOrm !== orm) await workerOrm.close();
      await platform.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a value, or fails with the last thing seen. */
export async function eventually<T>(check: () => Promise<T | undefined>, { timeoutMs = 30_000, intervalMs = 200 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Triggers a job through the API and waits for its run to end: the run as GET /runs/{run_id} shows it. */
export async function triggerAndWait(platform: TestPlatform, jobId: number): Promise<any> {
  const trigger = await platform.api('POST', `/jobs/${jobId}/trigger`);
  expect(trigger.status).toBe(202);
  expect(trigger.body.workflow_id).toMatch(new RegExp(`^job-${jobId}-`));
  return eventually(async () => {
    const run = await platform.api('GET', `/runs/${trigger.body.run_id}`);
    return ['COMPLETED', 'FAILED'].includes(run.body.status) ? run.body : undefined;
  });
}
