import { describe, expect, it } from 'vitest';
import { spawnManaged } from '../../scripts/childProcess.ts';
import { supervise } from '../../scripts/supervisor.ts';
import { createLogger } from '../../lib/logger.ts';

const policy = { initialDelayMs: 50, maxDelayMs: 200, stableAfterMs: 5_000, maxQuickFailures: 3 };

/** A real child process running `script` under node, as the supervisor would run a worker. */
const nodeChild = (script: string) => () => {
  const child = spawnManaged(process.execPath, ['-e', script], { detached: true });
  return Promise.resolve({ pid: child.pid, exited: child.exited, stop: () => child.stop('SIGTERM') });
};

describe('supervise', () => {
  it('restarts a child that keeps crashing with backoff, logs each restart, and gives up after the last allowed quick failure', async () => {
    const lines: string[] = [];
    const logger = createLogger({ log: { level: 'info' }, app_env: 'test' }, {}, { write: (line: string) => lines.push(line) });
    let starts = 0;
    const supervisor = supervise({
      name: 'crasher',
      logger,
      policy,
      start: () => {
        starts += 1;
        return nodeChild('process.exit(3)')();
      },
    });
    const error = await supervisor.gaveUp;
    expect(error.message).toContain('crasher ended (exit code 3) after 3 restarts');
    expect(starts).toBe(4);
    const restarts = lines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'crasher ended unexpectedly; restarting');
    expect(restarts.map((line) => line.restart_in_ms)).toEqual([50, 100, 200]);
    await supervisor.stop();
  });

  it('does not restart a child it was told to stop', async () => {
    const logger = createLogger({ log: { level: 'silent' }, app_env: 'test' });
    let starts = 0;
    const supervisor = supervise({
      name: 'sleeper',
      logger,
      policy,
      start: () => {
        starts += 1;
        return nodeChild('setTimeout(() => {}, 60_000)')();
      },
    });
    await supervisor.firstStart;
    await supervisor.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(starts).toBe(1);
  });
});
