import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const TAIL_CHARS = 4_000;
const KILL_AFTER_MS = 10_000;
const POLL_EVERY_MS = 200;

/** A long-running server process that we started and must stop. */
export interface ManagedProcess {
  readonly pid: number | undefined;
  /** Resolves once the process has ended, saying how ("exit code 1", "signal SIGKILL"). */
  readonly exited: Promise<string>;
  /** Polls `probe` until it answers true; fails with the server's last output if the server ends or `timeoutMs` passes. */
  waitUntil(probe: () => Promise<boolean>, timeoutMs: number): Promise<void>;
  /** Sends `signal`, SIGKILL after `killAfterMs` (10 s), and resolves once the process has ended. */
  stop(signal: NodeJS.Signals, killAfterMs?: number): Promise<void>;
}

export interface ManagedProcessOptions {
  /** Appends the process's stdout and stderr here; a short tail is always kept in memory for errors. */
  logFile?: string;
  /** Passes stdout and stderr through to ours instead (no log file, no tail). */
  inheritOutput?: boolean;
  /**
   * Runs it in a process group of its own, so a Ctrl-C to the terminal's group reaches only us and we stop it
   * when its turn comes; signals then go to its whole group.
   */
  detached?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  uid?: number;
  gid?: number;
}

export function spawnManaged(command: string, args: string[], options: ManagedProcessOptions = {}): ManagedProcess {
  const { logFile, inheritOutput, ...spawnOptions } = options;
  const child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', inheritOutput ? 'inherit' : 'pipe', inheritOutput ? 'inherit' : 'pipe'] });
  const log = logFile && !inheritOutput ? createWriteStream(logFile, { flags: 'a' }) : undefined;
  let tail = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      log?.write(chunk);
      tail = (tail + chunk.toString()).slice(-TAIL_CHARS);
    });
  }
  child.once('close', () => log?.end());

  let ended: string | undefined;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `exit code ${code}`));
    // A failed spawn (ENOENT, EACCES) emits 'error' and no 'exit'.
    child.once('error', (error) => resolve(error.message));
  }).then((how) => (ended = how));
  const name = basename(command);
  const kill = (signal: NodeJS.Signals) => {
    try {
      // A detached child leads its own group: signal the group, so whatever it started goes too.
      if (options.detached && child.pid !== undefined) process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      // Already gone.
    }
  };

  return {
    pid: child.pid,
    exited,
    async waitUntil(probe, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (ended === undefined) {
        if (await probe()) return;
        if (Date.now() > deadline) throw new Error(`${name} was not ready within ${timeoutMs / 1000} s; its output ends with:\n${tail}`);
        await sleep(POLL_EVERY_MS);
      }
      throw new Error(`${name} ended (${ended}) before it was ready; its output ends with:\n${tail}`);
    },
    async stop(signal, killAfterMs = KILL_AFTER_MS) {
      if (ended !== undefined) return;
      kill(signal);
      const killer = setTimeout(() => kill('SIGKILL'), killAfterMs);
      await exited;
      clearTimeout(killer);
    },
  };
}
