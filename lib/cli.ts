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

/**
 * Resolves on the first SIGINT or SIGTERM; later ones go to `onRepeat` and are otherwise ignored,
 * so a second Ctrl-C (or a group-wide signal arriving twice) never cuts a drain short.
 */
export function untilShutdownSignal(onRepeat: (signal: NodeJS.Signals) => void = () => undefined): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const handle = (signal: NodeJS.Signals) => {
      if (received) return onRepeat(signal);
      received = true;
      resolve(signal);
    };
    // Listeners stay installed: without one, Node's default for a later signal is to die at once.
    process.on('SIGINT', handle);
    process.on('SIGTERM', handle);
  });
}
