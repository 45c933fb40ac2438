import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdempotencyKey, JobRun, JobSchedule } from '../../db/entities/index.ts';
import { inTransaction } from '../../db/orm.ts';
import { DATABASE_KINDS } from '../helpers/databases.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { ADMIN_KEY, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

// Hostile input gets a 4xx naming the field, never a 5xx, and the same answer on both databases; a refused request leaves nothing behind.
describe.each(DATABASE_KINDS)('hostile input on %s', (db) => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ db, env: { SCHEDULE_MIN_INTERVAL_MS: '10000' } });
  });

  afterAll(async () => {
    await platform?.close();
  });

  const counts = () =>
    inTransaction(platform.orm, async (em) => ({ jobs: await em.count(JobSchedule), runs: await em.count(JobRun), keys: await em.count(IdempotencyKey) }));

  async function jobScheduleIds(): Promise<string[]> {
    const ids = [];
    for await (const schedule of platform.temporal.client.schedule.list()) if (schedule.scheduleId.startsWith('job-')) ids.push(schedule.scheduleId);
    return ids.sort();
  }

  function expectFieldProblem(response: Awaited<ReturnType<TestPlatform['api']>>, status: number, paths: string[]) {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body.errors.map((e: { path: string }) => e.path)).toEqual(paths);
  }

  /** Sends raw text as the body, so no client library fixes it up on the way. */
  function raw(method: string, path: string, body?: string | Uint8Array, headers: Record<string, string> = {}) {
    return fetch(`${platform.apiUrl}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...headers }, body });
  }

  it('refuses NUL, control characters and lone surrogates in every string field, and ints beyond 32 bits', async () => {
    const before = await counts();
    for (const field of ['name', 'job_type', 'target', 'cron', 'timezone']) {
      expectFieldProblem(await platform.api('POST', '/jobs', priceAlertJob({ [field]: 'a\u0000b' })), 422, [field]);
    }
    // JSON.stringify would escape the lone surrogate into a well-formed pair of escapes; this is the wire form the issue saw.
    const loneSurrogate = await raw('POST', '/jobs', JSON.stringify(priceAlertJob({ cron: 'X' })).replace('"X"', '"\\ud800"'), { 'content-type': 'application/json' });
    expect(loneSurrogate.status).toBe(422);
    expect(((await loneSurrogate.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['cron']);
    expectFieldProblem(await platform.api('POST', '/jobs', priceAlertJob({ user_id: 2_147_483_648 })), 422, ['user_id']);
    expectFieldProblem(await platform.api('GET', '/jobs?job_type=a%00b'), 422, ['job_type']);
    expectFieldProblem(await platform.api('GET', '/jobs?user_id=2147483648'), 422, ['user_id']);
    expectFieldProblem(await platform.api('GET', `/jobs?cursor=${Buffer.from('2147483648').toString('base64url')}`), 422, ['cursor']);
    expectFieldProblem(await platform.api('GET', '/runs/2147483648'), 422, ['run_id']);
    expect(await counts()).toEqual(before);
  });

  it('reads path ids as decimal digits only', async () => {
    const created = await platform.api('POST', '/jobs', priceAlertJob());
    expect(created.status).toBe(201);
    const { id } = created.body as { id: number };
    for (const spelling of [`0x${id.toString(16)}`, `0${id}`, `${id}e0`, `+${id}`, `${id}.0`, '%20' + id]) {
      expectFieldProblem(await platform.api('DELETE', `/jobs/${spelling}`), 422, ['id']);
    }
    expect((await platform.api('GET', `/jobs/${id}`)).status).toBe(200);
    expect((await platform.api('DELETE', `/jobs/${id}`)).status).toBe(204);
  });

  it('refuses a body over the limit with 413, and a crowded one with a short 422', async () => {
    const before = await counts();
    const huge = await raw('POST', '/jobs', `{"name":"${'x'.repeat(16 * 1024 * 1024)}"}`, { 'content-type': 'application/json' });
    expect(huge.status).toBe(413);
    expect(huge.headers.get('content-type')).toBe('application/problem+json');
    expect(await huge.json()).toMatchObject({ status: 413, title: expect.any(String) });

    const manyKeys = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]));
    const crowded = await raw('POST', '/jobs', JSON.stringify({ ...priceAlertJob(), ...manyKeys }), { 'content-type': 'application/json' });
    const crowdedText = await crowded.text();
    expect(crowded.status).toBe(422);
    expect(crowdedText.length).toBeLessThan(2_000);
    expect(JSON.parse(crowdedText).errors).toEqual([{ path: '(body)', message: 'has more than 100 keys' }]);
    expect(await counts()).toEqual(before);
  });

  it('refuses a cron that never fires, fires too often or holds a control character; takes the 5- and 7-field forms', async () => {
    const before = await counts();
    const ids = await jobScheduleIds();
    for (const [cron, message] of [
      ['0 0 31 2 *', /never fires/],
      ['* * * * * * *', /at least 10 s/],
      ['*/5 * * * * * *', /at least 10 s/],
      ['0,1 0 * * * * *', /at least 10 s/],
      ['every\nminute', /control characters/],
    ] as const) {
      const response = await platform.api('POST', '/jobs', priceAlertJob({ cron }));
      expectFieldProblem(response, 422, ['cron']);
      expect(response.body.errors[0].message, cron).toMatch(message);
    }
    expect(await counts()).toEqual(before);
    expect(await jobScheduleIds()).toEqual(ids);

    for (const cron of ['*/10 * * * * * *', '*/5 * * * *', '0 0 29 2 *', '0 12 * * * 2030']) {
      const response = await platform.api('POST', '/jobs', priceAlertJob({ cron }));
      expect(response.status, cron).toBe(201);
      expect((await platform.api('DELETE', `/jobs/${response.body.id}`)).status).toBe(204);
    }
  });

  it('requires application/json for a body', async () => {
    const before = await counts();
    const plain = await raw('POST', '/jobs', JSON.stringify(priceAlertJob()), { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect(plain.headers.get('content-type')).toBe('application/problem+json');
    expect((await raw('POST', '/jobs', JSON.stringify(priceAlertJob()))).status).toBe(415);
    expect((await raw('POST', '/jobs', JSON.stringify(priceAlertJob()), { 'content-type': 'application/json; charset=utf-8' })).status).toBe(201);
    const after = await counts();
    expect(after.jobs).toBe(before.jobs + 1);
  });

  it('sends nosniff and no-store on authenticated answers, and 405 with allow for a known path', async () => {
    for (const response of [await raw('GET', '/jobs'), await raw('GET', '/jobs/999999'), await raw('GET', '/nowhere')]) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
    const put = await raw('PUT', '/jobs/1');
    expect(put.status).toBe(405);
    expect(put.headers.get('content-type')).toBe('application/problem+json');
    expect(put.headers.get('allow')).toBe('DELETE, GET, HEAD, PATCH');
    const patchList = await raw('PATCH', '/jobs');
    expect(patchList.status).toBe(405);
    expect(patchList.headers.get('allow')).toBe('GET, HEAD, POST');
    expect((await raw('GET', '/jobs/1/trigger')).headers.get('allow')).toBe('POST');
    expect((await raw('GET', '/nowhere')).status).toBe(404);
  });

  it('makes one job of twenty concurrent POSTs with one Idempotency-Key, and replays its answer to a retry', async () => {
    const before = await counts();
    const body = priceAlertJob({ name: `idempotent on ${db}` });
    const headers = { 'idempotency-key': `create-${db}-1` };
    const answers = await Promise.all(Array.from({ length: 20 }, () => platform.api('POST', '/jobs', body, headers)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(201));
    const ids = new Set(answers.map((answer) => answer.body.id));
    expect(ids.size).toBe(1);
    expect((await counts()).jobs).toBe(before.jobs + 1);

    const retry = await platform.api('POST', '/jobs', body, headers);
    expect(retry).toMatchObject({ status: 201, body: { id: [...ids][0] } });
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('location')).toBe(`/jobs/${[...ids][0]}`);

    const otherBody = await platform.api('POST', '/jobs', { ...body, name: 'another' }, headers);
    expectFieldProblem(otherBody, 422, ['Idempotency-Key']);

    const jobId = [...ids][0] as number;
    const trigger = { 'idempotency-key': `trigger-${db}-1` };
    const first = await platform.api('POST', `/jobs/${jobId}/trigger`, undefined, trigger);
    const second = await platform.api('POST', `/jobs/${jobId}/trigger`, undefined, trigger);
    expect(first.status).toBe(202);
    expect(second).toMatchObject({ status: 202, body: first.body });
    // No worker runs here: the run must not wait in the namespace for the next file's worker to pick up.
    await platform.temporal.client.workflow.getHandle(first.body.workflow_id).terminate('test over');
    expect((await counts()).runs).toBe(before.runs + 1);
    expect((await counts()).jobs).toBe(before.jobs + 1);
  });

  describe('properties', () => {
    const poison = fc.constantFrom('\u0000', '\u0007', '\n', '\u007f', '\ud800', '\udfff');
    /** Any string with at least one control character or lone surrogate in it. */
    const hostileText = fc.tuple(fc.string({ maxLength: 20 }), poison, fc.string({ maxLength: 20 })).map(([a, p, b]) => `${a}${p}${b}`);
    const hostileId = fc.oneof(
      fc.constantFrom('0x10', '0', '-1', '01', '1e3', '+1', '1.5', '2147483648', '99999999999999999999', '%00', '%ED%A0%80', '%20', 'NaN', 'Infinity'),
      fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/^[1-9][0-9]{0,9}$/.test(s)).map((s) => encodeURIComponent(s.toWellFormed())),
    );
    const outOfRangeInt = fc.oneof(fc.integer({ min: 2_147_483_648, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: Number.MIN_SAFE_INTEGER, max: 0 }), fc.double({ noInteger: true }));
    const badField = fc.oneof(
      fc.record({ field: fc.constantFrom('name', 'job_type', 'target', 'cron', 'timezone'), value: hostileText }),
      fc.record({ field: fc.constant('user_id'), value: outOfRangeInt }),
      fc.record({ field: fc.constantFrom('name', 'cron', 'user_id', 'task_params', 'enabled'), value: fc.oneof(fc.constant(null), fc.array(fc.integer(), { maxLength: 3 })) }),
    );
    const runs = { numRuns: 40 };

    /** Raw wire JSON: JSON.stringify keeps lone surrogates as escapes, which is exactly what a hostile client sends. */
    async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
      const response = await raw('POST', path, JSON.stringify(body), { 'content-type': 'application/json', ...headers });
      return response.status;
    }

    it('POST /jobs with one hostile field: 4xx, no row, no schedule, no key kept', async () => {
      const before = await counts();
      const schedules = await jobScheduleIds();
      await fc.assert(
        fc.asyncProperty(badField, fc.option(hostileText.map((t) => t.replace(/[^\x21-\x7e]/g, '')).filter((t) => t.length > 0)), async ({ field, value }, key) => {
          const status = await post('/jobs', priceAlertJob({ [field]: value }), key ? { 'idempotency-key': key } : {});
          expect(status).toBeGreaterThanOrEqual(400);
          expect(status).toBeLessThan(500);
        }),
        runs,
      );
      expect(await counts()).toEqual(before);
      expect(await jobScheduleIds()).toEqual(schedules);
    });

    it('every route with a hostile id: 4xx, and nothing deleted, triggered or written', async () => {
      const kept = await platform.api('POST', '/jobs', priceAlertJob({ name: 'must survive' }));
      expect(kept.status).toBe(201);
      const before = await counts();
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('GET /jobs/', 'DELETE /jobs/', 'POST /jobs/:/trigger', 'GET /jobs/:/runs', 'GET /runs/'), hostileId, async (route, id) => {
          const [method, template] = route.split(' ') as [string, string];
          const path = template.includes(':') ? template.replace(':', id) : `${template}${id}`;
          const response = await raw(method, path);
          expect(response.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
          expect(response.status, `${method} ${path}`).toBeLessThan(500);
        }),
        runs,
      );
      expect(await counts()).toEqual(before);
      expect((await platform.api('GET', `/jobs/${kept.body.id}`)).status).toBe(200);
    });

    it('GET /jobs and /jobs/{id}/runs with hostile query values: 4xx (a job_type filter may match nothing: 200)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('/jobs?job_type=', '/jobs?user_id=', '/jobs?enabled=', '/jobs?cursor=', '/jobs?limit=', '/jobs/1/runs?status=', '/jobs/1/runs?cursor='),
          fc.oneof(hostileText.map((t) => encodeURIComponent(t.toWellFormed()).replace('%EF%BF%BD', '%ED%A0%80')), fc.constantFrom('2147483648', '0x10', '-1', '%00', 'MjE0NzQ4MzY0OA')),
          async (prefix, value) => {
            const response = await raw('GET', `${prefix}${value}`);
            if (!(prefix.endsWith('job_type=') && response.status === 200)) expect(response.status, `${prefix}${value}`).toBeGreaterThanOrEqual(400);
            expect(response.status, `${prefix}${value}`).toBeLessThan(500);
          },
        ),
        runs,
      );
    });
  });
});
