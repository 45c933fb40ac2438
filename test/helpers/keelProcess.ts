import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findFreePort } from '../../scripts/freePort.ts';
import { eventually } from './platform.ts';

const START = join(import.meta.dirname, '..', '..', 'scripts', 'start.ts');
const NODE = process.execPath;

/** Where one `npm start` instance lives: kept across restarts so state (SQLite, dev-server DB) carries over. */
export interface KeelSite {
  dataDir: string;
  apiPort: number;
  temporalAddress: string;
  uiPort: number;
  env?: Record<string, string>;
}

export async function keelSite(dataDir: string, env: Record<string, string> = {}): Promise<KeelSite> {
  return { dataDir, apiPort: await findFreePort(), temporalAddress: `127.0.0.1:${await findFreePort()}`, uiPort: await findFreePort(), env };
}

export interface LogLine {
  msg?: string;
  child?: string;
  child_pid?: number;
  [key: string]: unknown;
}

/** `scripts/start.ts` as a real process tree, as a terminal would run it: the leader of its own process group. */
export interface KeelProcess {
  pid: number;
  apiUrl: string;
  output(): string;
  logs(): LogLine[];
  /** The pids the supervisor reported for a child, oldest first (`worker alerts`, `temporal dev server`). */
  childPids(child: string): number[];
  /** Resolves with the exit code (or the signal that ended it). */
  exited: Promise<number | NodeJS.Signals | null>;
  untilRunning(): Promise<void>;
  adminKey(): string;
  /** An authenticated request to the API; a network failure is status 0. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Signals the whole process group, as Ctrl-C does. */
  signalGroup(signal: NodeJS.Signals): void;
  /** Every pid this instance ever started (itself, workers, dev servers). */
  allPids(): number[];
}

export function startKeel(site: KeelSite): KeelProcess {
  const child = spawn(NODE, [START], {
    env: {
      ...process.env,
      APP_ENV: 'development',
      DATA_DIR: site.dataDir,
      API_PORT: String(site.apiPort),
      TEMPORAL_ADDRESS: site.temporalAddress,
      TEMPORAL_UI_PORT: String(site.uiPort),
      LOG_LEVEL: 'info',
      ...site.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const apiUrl = `http://127.0.0.1:${site.apiPort}`;
  const logs = () =>
    output.split('\n').flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
  const childPids = (name: string) => logs().flatMap((line) => (line.child === name && line.child_pid ? [line.child_pid] : []));
  const adminKey = () => readFileSync(join(site.dataDir, 'admin-api-key'), 'utf8').trim();

  return {
    pid: child.pid!,
    apiUrl,
    output: () => output,
    logs,
    childPids,
    exited,
    async untilRunning() {
      let ended = false;
      void exited.then(() => (ended = true));
      await eventually(() => {
        if (ended) throw new Error(`npm start ended before it was running:\n${output.slice(-3_000)}`);
        return Promise.resolve(output.includes('Ctrl-C stops everything.') || undefined);
      }, { timeoutMs: 120_000 });
    },
    adminKey,
    async api(method, path, body) {
      try {
        const response = await fetch(`${apiUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${adminKey()}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(20_000),
        });
        const text = await response.text();
        return { status: response.status, body: text && text.startsWith('{') ? JSON.parse(text) : text };
      } catch {
        return { status: 0, body: undefined };
      }
    },
    signalGroup(signal) {
      process.kill(-child.pid!, signal);
    },
    allPids: () => [child.pid!, ...logs().flatMap((line) => (line.child_pid ? [line.child_pid] : []))],
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills whatever of these process groups is left (a failed test must not leave servers behind). */
export function killGroups(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}
