import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApi, type RunningApi } from '../api/startApi.ts';
import { bootPlatform, type Platform } from '../lib/boot.ts';
import { loadConfig, type Config } from '../lib/config.ts';
import { createLogger, type Logger } from '../lib/logger.ts';
import { installTemporalRuntime } from '../lib/temporalRuntime.ts';
import { findFreePort } from '../scripts/freePort.ts';
import { startPostgres } from '../scripts/postgres.ts';
import { startTemporalDevServer } from '../scripts/temporalDevServer.ts';

export const ADMIN_KEY = 'bench-admin-key';

export interface BenchPlatformOptions {
  db: 'sqlite' | 'postgresql';
  /** The dev server's dynamic config; the project's default (DEV_SERVER_DYNAMIC_CONFIG) unless given. */
  dynamicConfig?: Record<string, unknown>;
  /** Extra environment for the config (e.g. a reconcile interval). */
  env?: Record<string, string>;
}

export interface BenchPlatform extends Platform {
  config: Config;
  logger: Logger;
  api: RunningApi;
  /** An admin call to the API; throws on a non-2xx answer. */
  call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>>;
  /** Stops the API, the platform, the servers, and removes their files. */
  stop(): Promise<void>;
}

/** What the benches share: their own dev server (in memory) and database, a booted platform and the HTTP API. */
export async function startBenchPlatform(options: BenchPlatformOptions): Promise<BenchPlatform> {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-'));
  const server = await startTemporalDevServer({ port: await findFreePort(), headless: true, namespaces: ['default'], dynamicConfig: options.dynamicConfig });
  const postgres = options.db === 'postgresql' ? await startPostgres() : undefined;
  const config = loadConfig({
    CONFIG_DIR: join(import.meta.dirname, '..', 'config'),
    APP_ENV: 'test',
    DATA_DIR: dir,
    TEMPORAL_ADDRESS: server.address,
    API_PORT: '0',
    API_ADMIN_KEY: ADMIN_KEY,
    LOG_LEVEL: 'error',
    ...(postgres ? { DB_URL: postgres.url } : {}),
    ...options.env,
  });
  const logger = createLogger(config, { role: 'bench' });
  installTemporalRuntime(logger);
  const platform = await bootPlatform(config, logger, { migrations: 'apply' });
  const api = await startApi({ config, adminKey: ADMIN_KEY, orm: platform.orm, temporal: platform.temporal, logger });
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new HttpError(`${method} ${path}: ${response.status} ${await response.text()}`, response.status);
    return response.status === 204 ? {} : ((await response.json()) as Record<string, unknown>);
  };
  return {
    ...platform,
    config,
    logger,
    api,
    call,
    async stop() {
      await api.close();
      await platform.close();
      await server.stop();
      await postgres?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export class HttpError extends Error {
  readonly status: number;

  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

/** Runs `count` tasks with at most `concurrency` in flight; returns each one's latency in ms. */
export async function runAll(count: number, concurrency: number, task: (index: number) => Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const index = next++;
      const started = performance.now();
      await task(index);
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return latencies;
}

export const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;

/** The machine and how busy it was, for the figures' header. */
export function machineLine(): string {
  return `${cpus().length} vCPU ${cpus()[0]?.model ?? ''}, load average ${loadavg().map((load) => load.toFixed(2)).join(' ')}`;
}
