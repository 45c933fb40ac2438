import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type ThrowawayPostgres } from '../../scripts/postgres.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

const OUTAGE_MS = 10_000;
// The API gives Temporal and PostgreSQL 3 s; the rest is slack for a 2-core CI running every test file at once (20 s before).
const FAST_ENOUGH_MS = 6_000;

interface Answer {
  route: string;
  phase: 'before' | 'outage' | 'after';
  status: number;
  retryAfter: string | null;
  ms: number;
}

// A PostgreSQL of this file's own, stopped for 10 s under a light, steady load of data requests.
describe('the API while PostgreSQL is down', () => {
  let postgres: ThrowawayPostgres;
  let platform: TestPlatform;

  beforeAll(async () => {
    postgres = await startPostgres();
    platform = await startTestPlatform({ db: 'postgresql', postgresServerUrl: postgres.url });
  });

  afterAll(async () => {
    await platform?.close();
    await postgres?.stop();
  });

  it('answers 503 with Retry-After (never 500) during the outage and recovers without a restart', async () => {
    const created = await platform.api('POST', '/jobs', priceAlertJob());
    expect(created.status).toBe(201);
    const id = created.body.id as number;
    const routes: [string, string, unknown?][] = [
      ['GET', '/jobs'],
      ['GET', `/jobs/${id}`],
      ['GET', `/jobs/${id}/runs`],
      ['POST', `/jobs/${id}/trigger`],
      ['POST', '/jobs', priceAlertJob({ name: 'under load' })],
    ];

    const answers: Answer[] = [];
    let phase: Answer['phase'] = 'before';
    let loading = true;
    const load = (async () => {
      while (loading) {
        for (const [method, path, body] of routes) {
          const started = Date.now();
          const response = await platform.api(method, path, body);
          answers.push({ route: `${method} ${path}`, phase, status: response.status, retryAfter: response.headers.get('retry-after'), ms: Date.now() - started });
        }
        await sleep(100);
      }
    })();

    await sleep(1_000);
    phase = 'outage';
    await postgres.pause();
    await sleep(1_000);
    expect((await platform.api('GET', '/health/ready')).status).toBe(503);
    await sleep(OUTAGE_MS - 1_000);
    await postgres.resume();
    phase = 'after';
    await eventually(async () => ((await platform.api('GET', '/health/ready')).status === 200 ? true : undefined), { timeoutMs: 15_000 });
    const recoveredAt = answers.length;
    await sleep(2_000);
    loading = false;
    await load;

    expect(answers.filter((answer) => answer.status >= 500 && answer.status !== 503)).toEqual([]);
    const refused = answers.filter((answer) => answer.status === 503);
    expect(refused.filter((answer) => answer.phase === 'outage').length).toBeGreaterThan(0);
    expect(refused.filter((answer) => !answer.retryAfter)).toEqual([]);
    expect(answers.filter((answer) => answer.ms > FAST_ENOUGH_MS)).toEqual([]);
    // Once ready again, every route answers as before: the pool replaced its dead connections by itself.
    const afterRecovery = answers.slice(recoveredAt + routes.length);
    expect(afterRecovery.length).toBeGreaterThan(0);
    expect(afterRecovery.filter((answer) => answer.status >= 300)).toEqual([]);
  });
});
