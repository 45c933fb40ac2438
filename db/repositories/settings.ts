import type { EntityManager } from '@mikro-orm/core';
import { Setting } from '../entities/index.ts';

/** A user's settings as key → value. */
export async function userSettings(em: EntityManager, user_id: number): Promise<Record<string, string>> {
  const rows = await em.find(Setting, { user_id });
  return Object.fromEntries(rows.map((row) => [row.key, row.value]));
}

export async function putSetting(em: EntityManager, user_id: number, key: string, value: string): Promise<Setting> {
  const row = (await em.findOne(Setting, { user_id, key })) ?? em.create(Setting, { user_id, key, value });
  row.value = value;
  return row;
}
