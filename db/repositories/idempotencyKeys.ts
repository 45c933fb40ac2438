import type { EntityManager } from '@mikro-orm/core';
import { IdempotencyKey, type StoredResponse } from '../entities/index.ts';

export interface IdempotencyClaim {
  key: string;
  scope: string;
  request_hash: string;
}

/** Claims the key for one request; flushing throws UniqueConstraintViolationException when another request holds it. */
export function addIdempotencyKey(em: EntityManager, claim: IdempotencyClaim): IdempotencyKey {
  return em.create(IdempotencyKey, { ...claim, response: null });
}

export function findIdempotencyKey(em: EntityManager, key: string, scope: string): Promise<IdempotencyKey | null> {
  return em.findOne(IdempotencyKey, { key, scope });
}

export async function saveIdempotentResponse(em: EntityManager, id: number, response: StoredResponse): Promise<void> {
  await em.nativeUpdate(IdempotencyKey, { id }, { response });
}

/** Frees a key whose request did not succeed (or whose holder is gone), so a retry runs afresh. */
export async function removeIdempotencyKey(em: EntityManager, id: number): Promise<void> {
  await em.nativeDelete(IdempotencyKey, { id });
}

/** Forgets keys older than `before`; returns how many. */
export function deleteIdempotencyKeysBefore(em: EntityManager, before: Date): Promise<number> {
  return em.nativeDelete(IdempotencyKey, { created_at: { $lt: before } });
}
