import type { Logger } from '../lib/logger.ts';
import type { TemporalClient } from '../lib/temporal.ts';
import { KickLine } from './kickLine.ts';
import { DELIVERY_WORKFLOW_ID, KICK_SIGNAL, KICKED_DELIVERY_INPUT } from './names.ts';

/** Milliseconds a kick may take; past it the row waits for the schedule's next round instead. */
const KICK_DEADLINE_MS = 3_000;

/**
 * Wakes the delivery now: signals the running delivery run, or starts it (signal-with-start on a fixed ID), coalesced
 * with the process's other kicks. Best effort by design: the notification is already in the outbox, and the
 * notification_batch schedule delivers it anyway.
 */
export function kickDelivery(temporal: TemporalClient, logger: Logger): Promise<boolean> {
  let line = kickLines.get(temporal);
  if (!line) kickLines.set(temporal, (line = new KickLine(() => sendKick(temporal, logger))));
  return line.kick();
}

/** Kicks are coalesced per client (one per process in production): see KickLine. */
const kickLines = new WeakMap<TemporalClient, KickLine>();

async function sendKick(temporal: TemporalClient, logger: Logger): Promise<boolean> {
  try {
    await temporal.connection.withDeadline(Date.now() + KICK_DEADLINE_MS, () =>
      temporal.client.workflow.signalWithStart('notificationBatchWorkflow', {
        workflowId: DELIVERY_WORKFLOW_ID,
        taskQueue: 'notifications',
        args: [KICKED_DELIVERY_INPUT],
        signal: KICK_SIGNAL,
        signalArgs: [],
      }),
    );
    return true;
  } catch (error) {
    logger.warn({ err: error }, 'could not kick the notification delivery; the notification_batch schedule will deliver it');
    return false;
  }
}
