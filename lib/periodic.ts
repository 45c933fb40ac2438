export interface PeriodicTask {
  /** Stops the timer and waits for a pass in progress to end. */
  stop(): Promise<void>;
}

/** Runs `pass` now and then every `intervalMs` after the last one ended: never two at once, and stop() waits for the one running. */
export function runPeriodically(pass: () => Promise<void>, intervalMs: number): PeriodicTask {
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let stopped = false;

  function schedule(): void {
    inFlight = pass().finally(() => {
      inFlight = undefined;
      if (!stopped) timer = setTimeout(schedule, intervalMs).unref();
    });
  }

  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}
