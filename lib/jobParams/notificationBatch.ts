import { z } from 'zod';

/** A notification_batch run: how many notifications one round claims, and how long it waits for more before it ends (0: it ends when none is due). */
export const notificationBatchParams = z.object({
  batch_size: z.number().int().min(1).max(1_000).default(100),
  linger_seconds: z.number().int().min(0).max(300).default(0),
});

export type NotificationBatchParams = z.output<typeof notificationBatchParams>;
