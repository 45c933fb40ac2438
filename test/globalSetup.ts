import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { findFreePort } from '../scripts/freePort.ts';
import { startPostgres } from '../scripts/postgres.ts';
import { startTemporalDevServer } from '../scripts/temporalDevServer.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    postgresUrl: string;
    temporalNamespaces: string[];
  }
}

/** A service the suite uses: where it answers, and how to stop it (a no-op when it is not ours). */
interface Service {
  address: string;
  stop(): Promise<void>;
}

const notOurs = (address: string): Service => ({ address, stop: () => Promise.resolve() });

/** Starts the suite's own PostgreSQL and Temporal dev server, unless KEEL_TEST_POSTGRES_URL / KEEL_TEST_TEMPORAL_ADDRESS name running ones. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // One namespace per pool worker (tests use keel-test-${VITEST_POOL_ID}), so parallel test files never see each other's workflows.
  const workers = Math.max(8, project.globalConfig.maxWorkers);
  const namespaces = Array.from({ length: workers }, (_, index) => `keel-test-${index + 1}`);

  // Started side by side; whichever started is stopped again if the other did not.
  const [postgres, temporal] = await Promise.allSettled([startOwnPostgres(), startOwnTemporal(namespaces)]);
  const running = [postgres, temporal].flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const teardown = async () => {
    await Promise.all(running.map((service) => service.stop()));
  };
  if (postgres.status === 'rejected' || temporal.status === 'rejected') {
    await teardown();
    const reasons = [postgres, temporal].flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    throw new AggregateError(reasons, `the test servers did not start: ${reasons.map(String).join('; ')}`);
  }

  project.provide('postgresUrl', postgres.value.address);
  project.provide('temporalAddress', temporal.value.address);
  project.provide('temporalNamespaces', namespaces);
  console.log(`keel tests: PostgreSQL ${postgres.value.address}, Temporal ${temporal.value.address} (namespaces keel-test-1 … keel-test-${workers})`);
  return teardown;
}

async function startOwnPostgres(): Promise<Service> {
  const given = process.env.KEEL_TEST_POSTGRES_URL;
  if (given) return notOurs(given);
  const postgres = await startPostgres();
  return { address: postgres.url, stop: () => postgres.stop() };
}

async function startOwnTemporal(namespaces: string[]): Promise<Service> {
  // A server given for debugging must already have these namespaces (scripts/temporalDevServer.ts --namespace …).
  const given = process.env.KEEL_TEST_TEMPORAL_ADDRESS;
  if (given) return notOurs(given);
  const dir = await mkdtemp(join(tmpdir(), 'keel-temporal-'));
  const removeDir = () => rm(dir, { recursive: true, force: true });
  try {
    const server = await startTemporalDevServer({ port: await findFreePort(), headless: true, dbFile: join(dir, 'temporal.db'), namespaces });
    return {
      address: server.address,
      stop: async () => {
        await server.stop();
        await removeDir();
      },
    };
  } catch (error) {
    await removeDir();
    throw error;
  }
}
