import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { initORM, type DatabaseKind } from '../../db/orm.ts';

export const DATABASE_KINDS: DatabaseKind[] = ['sqlite', 'postgresql'];

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** An empty database of the given kind: a SQLite file in a temp dir, or a new database on the suite's PostgreSQL (or the server given). */
export async function createTestDatabase(kind: DatabaseKind, postgresServerUrl?: string): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'keel-db-'));
    return { url: `sqlite:${join(dir, 'keel.db')}`, drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })) };
  }
  const server = postgresServerUrl ?? inject('postgresUrl');
  const name = `keel_test_${randomUUID().replaceAll('-', '')}`;
  const admin = await initORM({ url: server });
  await admin.em.getConnection().execute(`create database ${name}`);
  await admin.close();
  const url = server.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    drop: async () => {
      const adminAgain = await initORM({ url: server });
      await adminAgain.em.getConnection().execute(`drop database if exists ${name} with (force)`);
      await adminAgain.close();
    },
  };
}
