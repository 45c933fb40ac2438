import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../scripts/freePort.ts';
import { startTemporalDevServer, type DevServer } from '../../scripts/temporalDevServer.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

// The API gives Temporal and PostgreSQL 3 s; the rest is slack for a 2-core CI running every test file at once (20 s before).
const FAST_ENOUGH_MS = 6_000;

// A Temporal server of this file's own, stopped and started again on the same state file under a running API.
describe('the API while Temporal is down', () => {
  let dir: string;
  let port: number;
  let server: DevServer | undefined;
  let platform: TestPlatform;

  const startServer = async () => {
    server = await startTemporalDevServer({ port, headless: true, dbFile: join(dir, 'temporal.db') });
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keel-chaos-temporal-'));
    port = await findFreePort();
    await startServer();
    platform = await startTestPlatform({ db: 'sqlite', env: { TEMPORAL_ADDRESS: server!.address, TEMPORAL_NAMESPACE: 'default' } });
  });

  afterAll(async () => {
    if (!server) await startServer();
    await platform?.close();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function timed(method: string, path: string, body?: unknown) {
    const started = Date.now();
    const response = await platform.api(method, path, body);
    return { ...response, ms: Date.now() - started };
  }

  it('answers 503 with Retry-After within seconds, keeps the database free, and recovers without a restart', async () => {
    const created = await platform.api('POST', '/jobs', priceAlertJob());
    expect(created.status).toBe(201);
    const id = created.body.id as number;

    await server!.stop();
    server = undefined;

    for (const [method, path, body] of [
      ['POST', '/jobs', priceAlertJob({ name: 'during the outage' })],
      ['POST', `/jobs/${id}/trigger`, undefined],
      ['GET', `/jobs/${id}`, undefined],
    ] as const) {
      const response = await timed(method, path, body);
      expect({ route: `${method} ${path}`, status: response.status }).toEqual({ route: `${method} ${path}`, status: 503 });
      expect(response.ms, `${method} ${path}`).toBeLessThan(FAST_ENOUGH_MS);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(response.body).toMatchObject({ status: 503, type: expect.stringContaining('dependency-unavailable') });
    }

    // While a create waits for Temporal, database-only requests and the database health check do not wait with it.
    const waitingCreate = platform.api('POST', '/jobs', priceAlertJob({ name: 'waits for Temporal' }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const runs = await timed('GET', `/jobs/${id}/runs`);
    expect(runs.status).toBe(200);
    expect(runs.ms).toBeLessThan(1_000);
    // The refused trigger left no run behind.
    expect(runs.body.items).toEqual([]);
    const health = await timed('GET', '/health');
    expect(health.body.checks.database[0].status).toBe('pass');
    expect(health.body.checks.temporal[0].status).toBe('warn');
    expect((await waitingCreate).status).toBe(503);

    expect((await platform.api('GET', '/health/ready')).status).toBe(503);
    // Jobs whose create answered 503 are not shown; the reconciler removes them.
    const list = await platform.api('GET', '/jobs');
    expect(list.status).toBe(200);
    expect(list.body.items.map((job: { id: number }) => job.id)).toEqual([id]);

    await startServer();
    const described = await eventually(async () => {
      const response = await platform.api('GET', `/jobs/${id}`);
      return response.status === 200 ? response : undefined;
    });
    expect(described.body.schedule).not.toBeNull();
    expect((await platform.api('POST', `/jobs/${id}/trigger`)).status).toBe(202);
    expect((await platform.api('POST', '/jobs', priceAlertJob({ name: 'after the outage' }))).status).toBe(201);
    expect((await platform.api('GET', '/health/ready')).status).toBe(200);
  });
});
