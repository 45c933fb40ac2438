import { z } from 'zod';

/** task_params of a maintenance job: which of its tasks run (all by default); what they do comes from `maintenance` in the config. */
export const maintenanceParams = z.strictObject({
  retention: z.boolean().default(true),
  optimize: z.boolean().default(true),
  reconcile: z.boolean().default(true),
});

export type MaintenanceParams = z.output<typeof maintenanceParams>;
