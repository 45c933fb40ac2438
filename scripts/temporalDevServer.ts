import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { untilShutdownSignal } from '../lib/cli.ts';
import { JOB_SEARCH_ATTRIBUTES } from '../workflows/names.ts';
import { spawnManaged } from './childProcess.ts';
import { isPortFree } from './freePort.ts';
import { ensureTemporalCli } from './temporalCli.ts';

const READY_TIMEOUT_MS = 60_000;
const STARTUP_PROBE_MS = 1_000;
const REACHABLE_PROBE_MS = 2_000;

/**
 * Server settings every dev server of ours runs with. The server's scheduler starts at most ~30 workflows a second per
 * namespace by default: 500 schedules firing in the same minute then start over 16 s (bench/README.md, fire accuracy).
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Record<string, unknown> = { 'worker.schedulerNamespaceStartWorkflowRPS': 1000 };

// How `temporal server start-dev --search-attribute NAME=TYPE` spells each type.
const CLI_TYPE_NAMES: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

export interface DevServerOptions {
  /** Frontend gRPC port. */
  port: number;
  /** Web UI port; defaults to port + 1000, as the CLI does. */
  uiPort?: number;
  headless?: boolean;
  /** SQLite file that keeps the server's state across restarts; in memory without it. */
  dbFile?: string;
  /** Created at launch, besides `default`. */
  namespaces?: string[];
  logFile?: string;
  /** Address the frontend and UI bind to; 127.0.0.1 unless given. */
  ip?: string;
  /** In a process group of its own, so a Ctrl-C to ours leaves it to us to stop last. */
  detached?: boolean;
  /** Dynamic config values (`--dynamic-config-value KEY=JSON`); DEV_SERVER_DYNAMIC_CONFIG unless given. */
  dynamicConfig?: Record<string, unknown>;
}

export interface DevServer {
  /** host:port of the frontend, for clients. */
  address: string;
  uiUrl?: string;
  readonly pid: number | undefined;
  /** Resolves once the server process has ended, saying how. */
  readonly exited: Promise<string>;
  stop(): Promise<void>;
}

/** Starts `temporal server start-dev` with the job search attributes on every namespace; resolves once it answers. */
export async function startTemporalDevServer(opts: DevServerOptions): Promise<DevServer> {
  const ip = opts.ip ?? '127.0.0.1';
  // A wildcard bind is reached through loopback.
  const host = ip === '0.0.0.0' ? '127.0.0.1' : ip;
  const address = `${host}:${opts.port}`;
  const uiPort = opts.uiPort ?? opts.port + 1000;
  const namespaces = opts.namespaces ?? [];
  // Otherwise a server already listening there would answer our readiness probe while ours fails to bind.
  for (const port of opts.headless ? [opts.port] : [opts.port, uiPort]) {
    if (!(await isPortFree(port, ip))) throw new Error(`cannot start the Temporal dev server: port ${port} on ${ip} is in use`);
  }
  for (const file of [opts.dbFile, opts.logFile]) {
    if (file) await mkdir(dirname(file), { recursive: true });
  }

  const args = [
    'server', 'start-dev',
    '--ip', ip,
    '--port', String(opts.port),
    ...(opts.headless ? ['--headless'] : ['--ui-port', String(uiPort)]),
    ...(opts.dbFile ? ['--db-filename', opts.dbFile] : []),
    ...namespaces.flatMap((namespace) => ['--namespace', namespace]),
    // The CLI registers these on every namespace it creates, and skips the ones a persisted DB already has.
    ...JOB_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPE_NAMES[key.type]}`]),
    ...Object.entries(opts.dynamicConfig ?? DEV_SERVER_DYNAMIC_CONFIG).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${JSON.stringify(value)}`]),
    '--log-level', 'warn',
  ];
  const server = spawnManaged(await ensureTemporalCli(), args, { logFile: opts.logFile, detached: opts.detached });
  const stop = () => server.stop('SIGTERM');
  try {
    await server.waitUntil(() => answers(address, ['default', ...namespaces], STARTUP_PROBE_MS), READY_TIMEOUT_MS);
  } catch (error) {
    await stop();
    throw error;
  }
  return { address, uiUrl: opts.headless ? undefined : `http://${host}:${uiPort}`, pid: server.pid, exited: server.exited, stop };
}

/** Whether a Temporal frontend answers at `address` within about 2 s. */
export function isTemporalReachable(address: string): Promise<boolean> {
  return answers(address, [], REACHABLE_PROBE_MS);
}

async function answers(address: string, namespaces: string[], timeoutMs: number): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: timeoutMs }).catch(() => undefined);
  if (!connection) return false;
  try {
    await connection.withDeadline(Date.now() + timeoutMs, () =>
      Promise.all([
        connection.workflowService.getSystemInfo({}),
        ...namespaces.map((namespace) => connection.workflowService.describeNamespace({ namespace })),
      ]),
    );
    return true;
  } catch {
    return false;
  } finally {
    await connection.close();
  }
}

// `node scripts/temporalDevServer.ts --port 7233 --ui-port 8233`: a dev server for humans, until Ctrl-C.
if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '7233' },
      'ui-port': { type: 'string' },
      headless: { type: 'boolean', default: false },
      'db-filename': { type: 'string' },
      namespace: { type: 'string', multiple: true },
      'log-file': { type: 'string' },
      ip: { type: 'string' },
    },
  });
  const server = await startTemporalDevServer({
    port: Number(values.port),
    uiPort: values['ui-port'] === undefined ? undefined : Number(values['ui-port']),
    headless: values.headless,
    dbFile: values['db-filename'],
    namespaces: values.namespace,
    logFile: values['log-file'],
    ip: values.ip,
  });
  console.log(`Temporal dev server at ${server.address}${server.uiUrl ? `, Web UI at ${server.uiUrl}` : ''}; Ctrl-C stops it.`);
  await untilShutdownSignal();
  await server.stop();
}
