import type { Logger } from '../lib/logger.ts';
import { DEFAULT_RESTART_POLICY, nextFailureCount, restartDelayMs, type RestartPolicy } from './restartPolicy.ts';

/** A running child the supervisor watches: how it ends, and how to end it. */
export interface SupervisedChild {
  readonly pid?: number;
  /** Resolves once it has ended, saying how. */
  readonly exited: Promise<string>;
  stop(): Promise<void>;
}

export interface SuperviseOptions {
  /** Names the child in the logs, e.g. `worker alerts`. */
  name: string;
  /** Starts the child; resolves once it runs (a rejection counts as a failed start). */
  start(): Promise<SupervisedChild>;
  logger: Logger;
  policy?: RestartPolicy;
}

export interface Supervisor {
  /** Resolves once the child first runs; rejects if that first start fails (nothing is retried then: it is a set-up error). */
  readonly firstStart: Promise<void>;
  /** Resolves when restarts are given up (never once stop() was called), with why. */
  readonly gaveUp: Promise<Error>;
  /** No more restarts; stops the child if it runs and resolves once it has ended. */
  stop(): Promise<void>;
}

/** Keeps a child running: an unexpected end is logged and restarted after an exponential backoff, until it keeps failing. */
export function supervise(options: SuperviseOptions): Supervisor {
  const policy = options.policy ?? DEFAULT_RESTART_POLICY;
  const logger = options.logger.child({ child: options.name });
  let stopping = false;
  let current: SupervisedChild | undefined;
  let wake: (() => void) | undefined;
  let giveUp!: (error: Error) => void;
  const gaveUp = new Promise<Error>((resolve) => (giveUp = resolve));
  let firstStarted!: () => void;
  let firstFailed!: (error: unknown) => void;
  const firstStart = new Promise<void>((resolve, reject) => {
    firstStarted = resolve;
    firstFailed = reject;
  });
  // Whoever awaits firstStart sees the failure; gaveUp says it too.
  firstStart.catch(() => undefined);

  const waitBeforeRestart = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = async () => {
    let failures = 0;
    let first = true;
    while (!stopping) {
      const started = Date.now();
      let how: string;
      try {
        current = await options.start();
        firstStarted();
        // stop() came while it was starting: it has nothing running to wait for but this.
        if (stopping) return await current.stop();
        logger.info({ child_pid: current.pid }, `${options.name} started`);
        first = false;
        how = await current.exited;
      } catch (error) {
        if (first) {
          firstFailed(error);
          giveUp(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        how = `failed to start: ${error instanceof Error ? error.message : String(error)}`;
      }
      current = undefined;
      if (stopping) return;
      failures = nextFailureCount(policy, failures, Date.now() - started);
      const delay = restartDelayMs(policy, failures);
      if (delay === undefined) {
        logger.fatal({ how, failures: failures - 1 }, `${options.name} keeps failing; giving up`);
        giveUp(new Error(`${options.name} ended (${how}) after ${failures - 1} restarts in quick succession`));
        return;
      }
      logger.error({ how, restart_in_ms: delay, failures }, `${options.name} ended unexpectedly; restarting`);
      await waitBeforeRestart(delay);
    }
  };
  const running = loop();

  return {
    firstStart,
    gaveUp,
    async stop() {
      stopping = true;
      wake?.();
      await current?.stop();
      await running;
    },
  };
}
