import { Hono } from 'hono';
import { z } from 'zod';
import { closedRecord, type BreakerRecord } from '../../lib/circuitBreakerState.ts';
import type { Config } from '../../lib/config.ts';
import type { ErrorEventRecorder } from '../../lib/errorEvents.ts';
import { NotFoundError } from '../../lib/errors.ts';
import type { CircuitBreakers } from '../../lib/resilience.ts';
import { jsonBody, pathParamsOf } from '../validation.ts';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function circuitBreakerView(record: BreakerRecord) {
  return {
    name: record.name,
    state: record.state,
    failure_count: record.failure_count,
    opened_at: iso(record.opened_at),
    next_attempt_at: iso(record.next_attempt_at),
    forced: record.forced,
  };
}

const forceBody = z.strictObject({ state: z.enum(['open', 'closed']) });
const nameParam = z.object({ name: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a breaker name') });

/** GET /circuit-breakers: the shared state of every configured breaker; POST /circuit-breakers/{name} forces one. */
export function circuitBreakerRoutes({ config, breakers, errorEvents }: { config: Config; breakers: CircuitBreakers; errorEvents: ErrorEventRecorder }) {
  const configs = config.error_handling.circuit_breakers;
  return new Hono()
    .get('/', async (c) => {
      const stored = new Map((await breakers.list()).map((record) => [record.name, record]));
      const names = [...new Set([...Object.keys(configs), ...stored.keys()])].sort();
      return c.json(names.map((name) => circuitBreakerView(stored.get(name) ?? closedRecord(name))));
    })
    .post('/:name', async (c) => {
      const { name } = pathParamsOf(c, nameParam);
      if (!(name in configs)) throw new NotFoundError(`no circuit breaker named ${name} (config error_handling.circuit_breakers)`);
      const { state } = await jsonBody(c, forceBody);
      const record = await breakers.force(name, state);
      await errorEvents.flush();
      return c.json(circuitBreakerView(record));
    });
}
