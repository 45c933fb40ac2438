import { z } from 'zod';
import { PRICE_CONDITIONS } from '../workflows/types.ts';

/** Every task queue of the contract; one worker process serves one queue. */
export const TASK_QUEUES = ['alerts', 'reports', 'maintenance', 'trading', 'notifications'] as const;
export type TaskQueue = (typeof TASK_QUEUES)[number];

export interface JobTypeDefinition {
  taskQueue: TaskQueue;
  workflowType: string;
  /** What `target` names for this job type. */
  target: z.ZodType<string>;
  taskParams: z.ZodType<Record<string, unknown>>;
}

const symbol = z.string().regex(/^[A-Z0-9]{2,20}$/, 'must be an exchange symbol such as BTCUSDT');

/** The job types that have a workflow; the API accepts exactly these. */
export const JOB_TYPES = {
  price_alert: {
    taskQueue: 'alerts',
    workflowType: 'priceAlertWorkflow',
    target: symbol,
    taskParams: z.strictObject({ condition: z.enum(PRICE_CONDITIONS), value: z.number().positive() }),
  },
} satisfies Record<string, JobTypeDefinition>;

export type JobType = keyof typeof JOB_TYPES;
export const JOB_TYPE_NAMES = Object.keys(JOB_TYPES) as JobType[];

export function jobTypeDefinition(jobType: string): JobTypeDefinition | undefined {
  return Object.hasOwn(JOB_TYPES, jobType) ? JOB_TYPES[jobType as JobType] : undefined;
}

/** The task queues that have at least one job type: the ones that need a worker. */
export function activeTaskQueues(): TaskQueue[] {
  return TASK_QUEUES.filter((queue) => Object.values(JOB_TYPES).some((definition) => definition.taskQueue === queue));
}
