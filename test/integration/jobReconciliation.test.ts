import { ServiceError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobReconciler } from '../../lib/jobReconciler.ts';
import { createLogger } from '../../lib/logger.ts';
import type { TemporalClient } from '../../lib/temporal.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

/** gRPC's status code for a server that cannot be reached. */
const GRPC_UNAVAILABLE = 14;

/** A Temporal that refuses every call as an unreachable server does. */
function unreachableTemporal(): TemporalClient {
  const refuse = () => {
    throw new ServiceError('connection refused', { cause: Object.assign(new Error('14 UNAVAILABLE: connection refused'), { code: GRPC_UNAVAILABLE }) });
  };
  return {
    namespace: 'default',
    connection: { withDeadline: (_deadline: number, call: () => Promise<unknown>) => call() },
    client: { schedule: { list: refuse, getHandle: refuse } },
  } as unknown as TemporalClient;
}

// The periodic runner outlives a Temporal it cannot reach: each pass fails, is logged, and the next one comes.
describe('job reconciliation, periodic', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ db: 'sqlite' });
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('logs each failed pass, keeps running, answers the failure on demand and stops cleanly', async () => {
    const lines: string[] = [];
    const logger = createLogger({ app_env: 'test', log: { level: 'info' } }, {}, { write: (line: string) => lines.push(line) });
    const reconciliation = startJobReconciler({ orm: platform.orm, temporal: unreachableTemporal(), logger }, 1_000);

    await eventually(() => Promise.resolve(lines.filter((line) => line.includes('job reconciliation failed')).length >= 2 ? true : undefined), { timeoutMs: 10_000 });
    await expect(reconciliation.reconcileNow()).rejects.toBeInstanceOf(ServiceError);
    await reconciliation.stop();
  });

  it('recreates a deleted schedule by itself, every interval', async () => {
    const created = await platform.api('POST', '/jobs', priceAlertJob());
    const handle = platform.temporal.client.schedule.getHandle(`job-${created.body.id}`);
    const reconciliation = startJobReconciler({ orm: platform.orm, temporal: platform.temporal, logger: createLogger(platform.config) }, 1_000);
    try {
      // Past the start-up pass, so only a periodic one can bring it back.
      await reconciliation.reconcileNow();
      await handle.delete();
      const described = await eventually(() => handle.describe().catch(() => undefined), { timeoutMs: 15_000 });
      expect(described.action.args).toMatchObject([{ job_id: created.body.id }]);
    } finally {
      await reconciliation.stop();
    }
  });
});
