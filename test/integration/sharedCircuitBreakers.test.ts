import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorEvent } from '../../db/entities/index.ts';
import { inTransaction, initORM, migrate, type Orm } from '../../db/orm.ts';
import { DatabaseBreakerStore } from '../../db/repositories/circuitBreakers.ts';
import type { BreakerConfig } from '../../lib/circuitBreakerState.ts';
import { ErrorEventRecorder } from '../../lib/errorEvents.ts';
import { requestJson } from '../../lib/http.ts';
import { createLogger } from '../../lib/logger.ts';
import { CircuitBreakers } from '../../lib/resilience.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/databases.ts';
import { sendJson, startLoopbackServer, type LoopbackServer } from '../helpers/httpServer.ts';

const CONFIG: BreakerConfig = { failure_threshold: 3, failure_window: 60, recovery_timeout: 1, success_threshold: 2, half_open_max_calls: 1 };
const SYNC_MS = 100;
const silent = createLogger({ app_env: 'test', log: { level: 'silent' } });

/** A dependency that counts the calls it gets, answers 503 while `down`, and takes `delayMs` to answer. */
async function startCountingServer() {
  const state = { calls: 0, down: false, delayMs: 0 };
  const server: LoopbackServer = await startLoopbackServer((_req, _body, res) => {
    state.calls += 1;
    setTimeout(() => (state.down ? sendJson(res, 503, { error: 'down' }) : sendJson(res, 200, { ok: true })), state.delayMs);
  });
  return Object.assign(state, { url: server.url, close: () => server.close() });
}

// Two worker processes are two ORMs on one database, each with its own breakers: they must agree.
describe.each(DATABASE_KINDS)('circuit breakers shared through %s', (kind) => {
  let database: TestDatabase;
  let orms: Orm[];
  let events: ErrorEventRecorder;
  let workerA: CircuitBreakers;
  let workerB: CircuitBreakers;
  let dependency: Awaited<ReturnType<typeof startCountingServer>>;

  const breakersOn = (orm: Orm) => new CircuitBreakers({ configs: { market_data: CONFIG }, store: new DatabaseBreakerStore(orm), syncIntervalMs: SYNC_MS, logger: silent, errorEvents: events });
  const call = (breakers: CircuitBreakers) => breakers.execute('market_data', () => requestJson(`${dependency.url}/price`, { timeoutMs: 2_000 }));

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    orms = [await initORM({ url: database.url }), await initORM({ url: database.url })];
    await migrate(orms[0]!);
    events = new ErrorEventRecorder(orms[0]!, silent);
    workerA = breakersOn(orms[0]!);
    workerB = breakersOn(orms[1]!);
    dependency = await startCountingServer();
  });

  afterAll(async () => {
    workerA?.close();
    workerB?.close();
    await events?.close();
    await dependency?.close();
    for (const orm of orms ?? []) await orm.close();
    await database?.drop();
  });

  it('opens for every process after the threshold, half-opens for exactly the allowed trials, and closes after enough successes', async () => {
    dependency.down = true;
    // Failures of both processes count together.
    await expect(call(workerA)).rejects.toMatchObject({ type: 'ApiError' });
    await expect(call(workerB)).rejects.toMatchObject({ type: 'ApiError' });
    await expect(call(workerA)).rejects.toMatchObject({ type: 'ApiError' });
    expect(dependency.calls).toBe(3);

    // OPEN: neither process touches the dependency, and the failure says when to come back.
    const openA = await call(workerA).catch((error: unknown) => error);
    expect(openA).toMatchObject({ type: 'CircuitOpen', retryable: true });
    expect((openA as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    expect((openA as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(CONFIG.recovery_timeout * 1000);
    await sleep(SYNC_MS * 3);
    for (let i = 0; i < 5; i++) await expect(call(workerB)).rejects.toMatchObject({ type: 'CircuitOpen' });
    expect(dependency.calls).toBe(3);
    expect(await workerB.list()).toEqual([expect.objectContaining({ name: 'market_data', state: 'open', failure_count: 3 })]);

    // After recovery_timeout: the dependency is back, but slow; of eight calls at once exactly one trial gets through.
    await sleep(CONFIG.recovery_timeout * 1000 + 100);
    dependency.down = false;
    dependency.delayMs = 300;
    const results = await Promise.allSettled([...Array(4)].flatMap(() => [call(workerA), call(workerB)]));
    expect(dependency.calls).toBe(4);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((result) => result.status === 'rejected').map((result) => (result.status === 'rejected' ? result.reason.type : undefined))).toEqual(Array(7).fill('CircuitOpen'));
    expect((await workerA.list())[0]).toMatchObject({ state: 'half_open' });

    // The second success (success_threshold 2) closes it; from then on calls go straight through.
    dependency.delayMs = 0;
    await expect(call(workerB)).resolves.toMatchObject({ status: 200 });
    expect((await workerA.list())[0]).toMatchObject({ state: 'closed', failure_count: 0 });
    await sleep(SYNC_MS * 3);
    await Promise.all([call(workerA), call(workerB)]);
    expect(dependency.calls).toBe(7);

    await events.flush();
    const transitions = await inTransaction(orms[0]!, (em) => em.find(ErrorEvent, { component: 'circuit_breaker' }, { orderBy: { event_id: 'asc' } }));
    expect(transitions.map((event) => event.error_type)).toEqual(['CircuitOpened', 'CircuitHalfOpen', 'CircuitClosed']);
  });

  it('fails a trial back to OPEN, and lets an admin hold it open and close it', async () => {
    const forced = await workerA.force('market_data', 'open');
    expect(forced).toMatchObject({ state: 'open', forced: true, next_attempt_at: null });
    await sleep(SYNC_MS * 3);
    const before = dependency.calls;
    await expect(call(workerB)).rejects.toMatchObject({ type: 'CircuitOpen' });
    expect(dependency.calls).toBe(before);

    await workerB.force('market_data', 'closed');
    await expect(call(workerB)).resolves.toMatchObject({ status: 200 });
    expect(dependency.calls).toBe(before + 1);

    await sleep(SYNC_MS * 3);
    dependency.down = true;
    for (let i = 0; i < 3; i++) await expect(call(workerA)).rejects.toMatchObject({ type: 'ApiError' });
    const firstOpen = (await workerA.list())[0]!;
    await sleep(CONFIG.recovery_timeout * 1000 + 100);
    await expect(call(workerB)).rejects.toMatchObject({ type: 'ApiError' });
    const reopened = (await workerA.list())[0]!;
    expect(reopened).toMatchObject({ state: 'open', trials_in_flight: 0 });
    expect(reopened.next_attempt_at!.getTime()).toBeGreaterThan(firstOpen.next_attempt_at!.getTime());
    expect(dependency.calls).toBe(before + 5);
    await expect(call(workerB)).rejects.toMatchObject({ type: 'CircuitOpen' });
    dependency.down = false;
  });
});
