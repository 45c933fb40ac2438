import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import type { Logger } from './logger.ts';

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Temporal's logger interface, written to pino: SDK, workflow, activity and core logs become one JSON stream. */
export function pinoTemporalLogger(logger: Logger): TemporalLogger {
  const write = (level: LogLevel, message: string, meta?: LogMetadata) => {
    // pino serializes errors (message, stack, cause) only under `err`.
    const { error, ...rest } = meta ?? {};
    logger[PINO_LEVEL[level]](error === undefined ? rest : { ...rest, err: error }, message);
  };
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}

let installed = false;

/** Installs the Temporal Runtime once per process, before any worker connection exists. */
export function installTemporalRuntime(logger: Logger): void {
  if (installed) return;
  Runtime.install({
    logger: pinoTemporalLogger(logger.child({ component: 'temporal' })),
    telemetryOptions: { logging: { forward: {}, filter: { core: 'WARN', other: 'WARN' } } },
    // Shutdown is ours to order: workers drain before the database closes.
    shutdownSignals: [],
  });
  installed = true;
}
