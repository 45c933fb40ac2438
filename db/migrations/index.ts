import type { MigrationObject } from '@mikro-orm/core';
import type { DatabaseKind } from '../orm.ts';
import { PostgresqlInitial, SqliteInitial } from './Migration20261127_initial.ts';

/** The ordered migrations of each database; the SQL differs per dialect, the resulting schema does not. */
const MIGRATIONS: Record<DatabaseKind, MigrationObject[]> = {
  sqlite: [{ name: 'Migration20261127_initial', class: SqliteInitial }],
  postgresql: [{ name: 'Migration20261127_initial', class: PostgresqlInitial }],
};

export function migrationsFor(kind: DatabaseKind): MigrationObject[] {
  return MIGRATIONS[kind];
}
