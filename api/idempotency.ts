import { createHash } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { MiddlewareHandler } from 'hono';
import type { IdempotencyKey } from '../db/entities/index.ts';
import { inTransaction, type Orm } from '../db/orm.ts';
import { addIdempotencyKey, deleteIdempotencyKeysBefore, findIdempotencyKey, removeIdempotencyKey, saveIdempotentResponse } from '../db/repositories/idempotencyKeys.ts';
import { ConflictError, ValidationError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';

/** A key is remembered this long (clients retry within minutes; Stripe keeps them a day). */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 3_600_000;
/** A request still in flight after this long has lost its process: a retry may take its key over. */
const IN_FLIGHT_MAX_MS = 120_000;
/** How long a twin waits for the first request's answer before it is told to retry. */
const WAIT_MS = 30_000;
const POLL_MS = 50;
const CLEANUP_EVERY_MS = 3_600_000;
const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;
const REPLAYED_HEADERS = ['content-type', 'location'];

type Outcome = { claimed: IdempotencyKey } | { replay: Response };

/**
 * `Idempotency-Key` on a POST: the first request with a key runs, and its 2xx answer is stored; a retry with the same key
 * and body gets that answer again (header `idempotent-replayed: true`), one with another body a 422; a twin sent while the
 * first runs waits for it. An answer that is not 2xx is not kept, so a retry runs afresh.
 */
export function idempotent(orm: Orm, logger: Logger): MiddlewareHandler {
  let nextCleanupAt = 0;
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (key === undefined) return next();
    if (!KEY_FORMAT.test(key)) throw new ValidationError([{ path: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }]);
    if (Date.now() >= nextCleanupAt) {
      nextCleanupAt = Date.now() + CLEANUP_EVERY_MS;
      await inTransaction(orm, (em) => deleteIdempotencyKeysBefore(em, new Date(Date.now() - IDEMPOTENCY_KEY_TTL_MS)));
    }
    const claim = { key, scope: `${c.req.method} ${c.req.path}`, request_hash: createHash('sha256').update(await c.req.text()).digest('hex') };
    const outcome = await claimOrWait(orm, claim);
    if ('replay' in outcome) return outcome.replay;

    const row = outcome.claimed;
    try {
      await next();
    } finally {
      const response = c.res;
      await inTransaction(orm, async (em) => {
        if (response.status >= 200 && response.status < 300) {
          const headers = Object.fromEntries(REPLAYED_HEADERS.flatMap((name) => (response.headers.has(name) ? [[name, response.headers.get(name)!]] : [])));
          await saveIdempotentResponse(em, row.id, { status: response.status, headers, body: await response.clone().text() });
        } else {
          await removeIdempotencyKey(em, row.id);
        }
      }).catch(async (error: unknown) => {
        logger.error({ err: error, key, scope: claim.scope }, 'could not record the answer to an idempotent request');
        // A claim left without an answer would make retries wait and then fail with 409 until it expires.
        await inTransaction(orm, (em) => removeIdempotencyKey(em, row.id)).catch(() => undefined);
      });
    }
  };
}

async function claimOrWait(orm: Orm, claim: { key: string; scope: string; request_hash: string }): Promise<Outcome> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      return { claimed: await inTransaction(orm, (em) => Promise.resolve(addIdempotencyKey(em, claim))) };
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
    }
    const existing = await inTransaction(orm, (em) => findIdempotencyKey(em, claim.key, claim.scope));
    if (!existing) continue;
    if (existing.request_hash !== claim.request_hash) {
      throw new ValidationError([{ path: 'Idempotency-Key', message: 'was used already for a request with another body; use a new key' }]);
    }
    const age = Date.now() - existing.created_at.getTime();
    if (age > IDEMPOTENCY_KEY_TTL_MS || (!existing.response && age > IN_FLIGHT_MAX_MS)) {
      await inTransaction(orm, (em) => removeIdempotencyKey(em, existing.id));
      continue;
    }
    if (existing.response) {
      const { status, headers, body } = existing.response;
      return { replay: new Response(body, { status, headers: { ...headers, 'idempotent-replayed': 'true' } }) };
    }
    if (Date.now() > deadline) throw new ConflictError('a request with this Idempotency-Key is still running; retry later');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
