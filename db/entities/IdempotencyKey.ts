import { defineEntity, p } from '@mikro-orm/core';

/** The first answer to a request that carried an `Idempotency-Key`, replayed to a retry; `response` is null while the first is in flight. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One client key per method and path: the unique pair makes concurrent twins wait for a single winner. */
export const IdempotencyKeySchema = defineEntity({
  name: 'IdempotencyKey',
  tableName: 'idempotency_keys',
  uniques: [{ properties: ['key', 'scope'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    key: p.string().length(255),
    /** `POST /jobs/7/trigger`: the same key on another route is another request. */
    scope: p.string().length(255),
    /** SHA-256 of the body: the same key with another body is refused. */
    request_hash: p.string().length(64),
    response: p.json<StoredResponse>().nullable(),
    created_at: p.datetime().onCreate(() => new Date()).index(),
  },
});

export class IdempotencyKey extends IdempotencyKeySchema.class {}
IdempotencyKeySchema.setClass(IdempotencyKey);
