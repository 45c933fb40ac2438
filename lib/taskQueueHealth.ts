import proto from '@temporalio/proto';
import type { TemporalClient } from './temporal.ts';

// @temporalio/proto is CommonJS: Node's ESM loader gives it to us as one default export.
const { TaskQueueKind, TaskQueueType } = proto.temporal.api.enums.v1;

/** A live worker's long poll lasts up to a minute and the server records its start: older than this, the poller is gone. */
export const POLLERS_SEEN_WITHIN_MS = 75_000;

const POLLED_TYPES = [
  { type: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, name: 'workflow' },
  { type: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY, name: 'activity' },
];

/** Fails unless some worker polled `queue` for both workflow and activity tasks lately, as the server's task-queue description tells. */
export async function assertQueueHasLivePollers(temporal: TemporalClient, queue: string, now = Date.now()): Promise<void> {
  const descriptions = await Promise.all(
    POLLED_TYPES.map(async ({ type, name }) => {
      const { pollers } = await temporal.connection.workflowService.describeTaskQueue({
        namespace: temporal.namespace,
        taskQueue: { name: queue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType: type,
      });
      const live = pollers.filter((poller) => now - Number(poller.lastAccessTime?.seconds ?? 0) * 1_000 <= POLLERS_SEEN_WITHIN_MS);
      return { name, live: live.length };
    }),
  );
  const missing = descriptions.filter((description) => description.live === 0).map((description) => description.name);
  if (missing.length) throw new Error(`no worker polls task queue ${queue} for ${missing.join(' or ')} tasks (none seen in the last ${POLLERS_SEEN_WITHIN_MS / 1000} s)`);
}
