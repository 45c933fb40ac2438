import { ConfigError, loadConfig, type Config } from './config.ts';

/** Loads the config for an entry point; a bad value ends the process with one line naming the key. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`keel: ${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilShutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}
