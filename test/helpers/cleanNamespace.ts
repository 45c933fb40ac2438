import { Client, Connection, ScheduleNotFoundError, WorkflowNotFoundError } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Empties a pool worker's namespace before a file uses it: the previous file's schedules (the list lags deletes, so
 * one made just before its close can survive it) and its open workflows would otherwise fire or run into this file's
 * database with the same job ids.
 */
export async function cleanNamespace(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  try {
    await deleteSchedules(client);
    for await (const workflow of client.workflow.list({ query: 'ExecutionStatus = "Running"' })) {
      await client.workflow.getHandle(workflow.workflowId, workflow.runId).terminate('cleared for the next test file').catch(ignore(WorkflowNotFoundError));
    }
    // Visibility follows terminations a moment later; the next file's reconcilers read it.
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(200)) {
      if ((await client.workflow.count('ExecutionStatus = "Running"')).count === 0) return;
    }
    throw new Error(`namespace ${namespace} still lists running workflows after terminating them`);
  } finally {
    await connection.close();
  }
}

/** Deletes every schedule the namespace lists; the list lags deletes, so one already gone is fine. */
export async function deleteSchedules(client: Client): Promise<void> {
  for await (const schedule of client.schedule.list()) {
    await client.schedule.getHandle(schedule.scheduleId).delete().catch(ignore(ScheduleNotFoundError));
  }
}

const ignore = (kind: new (...args: never[]) => Error) => (error: unknown) => {
  if (!(error instanceof kind)) throw error;
};
