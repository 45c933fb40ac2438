/** Every task queue of the contract; one worker process serves one queue. */
export const TASK_QUEUES = ['alerts', 'reports', 'maintenance', 'trading', 'notifications'] as const;
export type TaskQueue = (typeof TASK_QUEUES)[number];
