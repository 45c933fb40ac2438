import { Context } from '@temporalio/activity';

/**
 * Runs `work` while heartbeating every `intervalMs`, so the server sees a live worker; a worker that dies stops
 * heartbeating and the activity is retried elsewhere after its heartbeat timeout, not its start-to-close timeout.
 */
export async function heartbeatWhile<T>(work: () => Promise<T>, intervalMs: number, context: Context = Context.current()): Promise<T> {
  // No beat at the start: the heartbeat timeout runs from the start anyway, and a quick activity then costs no extra call.
  const timer = setInterval(() => context.heartbeat(), intervalMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
