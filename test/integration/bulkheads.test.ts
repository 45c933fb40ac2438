import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeelError } from '../../lib/errors.ts';
import { requestJson } from '../../lib/http.ts';
import { CircuitBreakers } from '../../lib/resilience.ts';
import { sendJson, startLoopbackServer, type LoopbackServer } from '../helpers/httpServer.ts';
import { eventually } from '../helpers/platform.ts';

const LIMITS = { max_concurrent: 3, max_queued: 5, retry_after_ms: 1_234 };

/** A dependency that holds every request until released, and counts how many it held at once. */
async function startGatedServer() {
  const state = { requests: 0, inFlight: 0, peak: 0, held: [] as ServerResponse[] };
  const server: LoopbackServer = await startLoopbackServer((_req, _body, res) => {
    state.requests += 1;
    state.inFlight += 1;
    state.peak = Math.max(state.peak, state.inFlight);
    res.once('finish', () => (state.inFlight -= 1));
    state.held.push(res);
  });
  const releaseAll = () => state.held.splice(0).forEach((res) => sendJson(res, 200, { ok: true }));
  return Object.assign(state, { url: server.url, releaseAll, close: () => server.close() });
}

describe('per-dependency bulkheads', () => {
  let dependency: Awaited<ReturnType<typeof startGatedServer>>;
  beforeAll(async () => {
    dependency = await startGatedServer();
  });
  afterAll(async () => {
    dependency?.releaseAll();
    await dependency?.close();
  });

  it('lets max_concurrent calls reach the dependency, queues max_queued, and refuses the rest as retryable without tripping the breaker', async () => {
    const breakers = new CircuitBreakers({ bulkheads: { webhook: LIMITS } });
    // Two recipients of one dependency share its bulkhead.
    const calls = Array.from({ length: 10 }, (_, i) =>
      breakers.execute(`webhook:${i % 2 ? 'a' : 'b'}`, () => requestJson(`${dependency.url}/hook`, { timeoutMs: 10_000 })).then(
        () => 'ok',
        (error: unknown) => error,
      ),
    );
    await eventually(() => Promise.resolve(dependency.inFlight === LIMITS.max_concurrent ? true : undefined));
    expect(breakers.bulkheadOf('webhook:a')).toBe(breakers.bulkheadOf('webhook:b'));
    expect(breakers.bulkheadOf('webhook:a')?.queued).toBe(LIMITS.max_queued);

    // Release the held requests until every queued call has had its turn.
    const results = await eventually(async () => {
      dependency.releaseAll();
      return dependency.requests === LIMITS.max_concurrent + LIMITS.max_queued && dependency.inFlight === 0 ? Promise.all(calls) : undefined;
    });
    expect(results.filter((result) => result === 'ok')).toHaveLength(8);
    const refused = results.filter((result) => result !== 'ok');
    expect(refused).toHaveLength(2);
    for (const error of refused) expect(error).toMatchObject({ type: 'BulkheadFull', retryable: true, retryAfterMs: 1_234 } satisfies Partial<KeelError>);
    expect(dependency.peak).toBe(LIMITS.max_concurrent);
    expect(breakers.bulkheadOf('webhook')).toMatchObject({ running: 0, queued: 0 });
    // A refusal is not the dependency failing.
    expect((await breakers.list()).every((record) => record.failure_count === 0)).toBe(true);
  });

  it('leaves a dependency without a configured bulkhead unlimited', async () => {
    const breakers = new CircuitBreakers({ bulkheads: { webhook: LIMITS } });
    const before = dependency.requests;
    const calls = Array.from({ length: 6 }, () => breakers.execute('market_data', () => requestJson(`${dependency.url}/price`, { timeoutMs: 10_000 })));
    await eventually(() => Promise.resolve(dependency.inFlight === 6 ? true : undefined));
    dependency.releaseAll();
    await Promise.all(calls);
    expect(dependency.requests - before).toBe(6);
    expect(breakers.bulkheadOf('market_data')).toBeUndefined();
  });
});
