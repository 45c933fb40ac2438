import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { Config } from './config.ts';

export type { Logger };

/** The process-wide pino logger: JSON lines, ISO times, the process's role in every line. */
export function createLogger(config: Pick<Config, 'log' | 'app_env'>, bindings: Record<string, unknown> = {}, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level: config.log.level,
    base: { pid: process.pid, env: config.app_env, ...bindings },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: ['*.authorization', '*.api_key', '*.token', '*.password'], censor: '***' },
  };
  return destination ? pino(options, destination) : pino(options);
}
