import type { JobInput } from '../workflows/types.ts';

// Temporal names of the outbox's delivery, shared by the kick (any worker) and the workflow.

/** The one delivery run that kicks start or signal: a fixed ID, so many kicks make one run, not many. */
export const DELIVERY_WORKFLOW_ID = 'notification-delivery';
export const KICK_SIGNAL = 'kick';

/** How long a kicked run stays for more kicks and for retries falling due, before it ends. */
export const KICK_LINGER_SECONDS = 30;

/** The input of a kicked run: not a job's run (no JobRun is recorded for it), the outbox's own. */
export const KICKED_DELIVERY_INPUT: JobInput<{ batch_size: number; linger_seconds: number }> = {
  job_id: 0,
  user_id: 0,
  name: 'notification delivery (kicked)',
  job_type: 'notification_batch',
  target: 'outbox',
  task_params: { batch_size: 100, linger_seconds: KICK_LINGER_SECONDS },
};
