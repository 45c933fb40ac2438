import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { inject } from 'vitest';
import { testNamespace } from './platform.ts';

/** A worker polling the test's namespace on the suite's dev server, and a client of the same namespace. */
export interface TestWorker {
  /** The worker's connection, for the further workers a test starts itself. */
  workerConnection: NativeConnection;
  connection: Connection;
  client: Client;
  /** Stops the worker (waiting for it to drain) and closes both connections. */
  close(): Promise<void>;
}

export async function startTestWorker(options: Omit<WorkerOptions, 'connection' | 'namespace'>): Promise<TestWorker> {
  const address = inject('temporalAddress');
  const workerConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ ...options, connection: workerConnection, namespace: testNamespace() }).catch(async (error: unknown) => {
    await workerConnection.close();
    throw error;
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  return {
    workerConnection,
    connection,
    client: new Client({ connection, namespace: testNamespace() }),
    async close() {
      worker.shutdown();
      await running;
      await workerConnection.close();
      await connection.close();
    },
  };
}
