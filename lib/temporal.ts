import { Client, Connection, ScheduleNotFoundError } from '@temporalio/client';
import proto from '@temporalio/proto';
import { JOB_SEARCH_ATTRIBUTES } from '../workflows/names.ts';
import type { Config } from './config.ts';

const GRPC_ALREADY_EXISTS = 6;

export interface TemporalClient {
  connection: Connection;
  client: Client;
  namespace: string;
}

export async function connectTemporal(config: Config['temporal']): Promise<TemporalClient> {
  const connection = await Connection.connect({ address: config.address, connectTimeout: '10 seconds' });
  return { connection, client: new Client({ connection, namespace: config.namespace }), namespace: config.namespace };
}

// @temporalio/proto is CommonJS: Node's ESM loader gives it to us as one default export.
const { IndexedValueType } = proto.temporal.api.enums.v1;
const INDEXED_VALUE_TYPE: Record<string, proto.temporal.api.enums.v1.IndexedValueType> = {
  INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
};

/** Registers JobId, JobType and JobUserId in the namespace; a no-op when they exist already. */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = JOB_SEARCH_ATTRIBUTES.filter((key) => !customAttributes[key.name]);
  if (missing.length === 0) return;
  const searchAttributes = Object.fromEntries(missing.map((key) => [key.name, INDEXED_VALUE_TYPE[key.type]!]));
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  } catch (error) {
    // Another process registering them at the same moment is fine.
    if ((error as { code?: number }).code !== GRPC_ALREADY_EXISTS) throw error;
  }
}

/** Whether the frontend answers and knows the namespace. */
export async function pingTemporal(connection: Connection, namespace: string, timeoutMs = 2_000): Promise<void> {
  await connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.describeNamespace({ namespace }));
}

/** How long an API request waits for Temporal before it answers 503: a down server must not hold a client for the SDK's ~20 s of retries. */
export const API_TEMPORAL_DEADLINE_MS = 3_000;

/** Runs Temporal calls with a deadline; past it they fail with DEADLINE_EXCEEDED (a ServiceError, mapped to 503). */
export function withTemporalDeadline<T>(temporal: TemporalClient, call: () => Promise<T>, timeoutMs = API_TEMPORAL_DEADLINE_MS): Promise<T> {
  return temporal.connection.withDeadline(Date.now() + timeoutMs, call);
}

/** Deletes a schedule; one that is already gone (deleted with the CLI, or by an earlier attempt) is what we wanted. */
export async function deleteScheduleIfExists(temporal: TemporalClient, scheduleId: string): Promise<void> {
  try {
    await temporal.client.schedule.getHandle(scheduleId).delete();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
}
