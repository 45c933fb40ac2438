import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { EntityManager, IsolationLevel, MikroORM, Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { CompiledQuery, type DatabaseConnection } from 'kysely';
import { isTransactionConflict } from '../lib/errors.ts';
import { withRetry } from '../lib/retry.ts';
import { BUILT_IN_RETRY_POLICIES } from '../lib/retryStrategies.ts';
import type { Logger } from '../lib/logger.ts';
import { entities } from './entities/index.ts';
import { migrationsFor } from './migrations/index.ts';
import { namingStrategyFor } from './namingStrategy.ts';
import { releaseDroppedClients } from './releaseDroppedClients.ts';

export type DatabaseKind = 'sqlite' | 'postgresql';
export type Orm = MikroORM;

export interface DatabaseOptions {
  url: string;
  pool_max?: number;
  debug?: boolean;
  /** How long SQLite waits for another connection's write lock before SQLITE_BUSY (default 5 s). */
  sqlite_busy_timeout_ms?: number;
}

export function databaseKind(url: string): DatabaseKind {
  return url.startsWith('sqlite:') ? 'sqlite' : 'postgresql';
}

/** SQLite settings for a busy single-file database: free pages returned in steps (new files), concurrent readers, durable enough, FK-checked. */
const sqlitePragmas = (busyTimeoutMs: number) => ['auto_vacuum = INCREMENTAL', 'journal_mode = WAL', 'synchronous = NORMAL', 'foreign_keys = ON', `busy_timeout = ${busyTimeoutMs}`];

/** How long a PostgreSQL connect or pool checkout may take before the request fails as "database unavailable". */
const CONNECT_TIMEOUT_MS = 3_000;

/** Opens the database named by DB_URL: `sqlite:<path>` or `postgresql://…`. */
export async function initORM(db: DatabaseOptions, logger?: Logger, overrides: Partial<Options> = {}): Promise<Orm> {
  const kind = databaseKind(db.url);
  const common: Partial<Options> = {
    entities,
    namingStrategy: namingStrategyFor(entities),
    extensions: [Migrator],
    migrations: { migrationsList: migrationsFor(kind), snapshot: false, silent: true, transactional: true, allOrNothing: true },
    debug: db.debug ?? false,
    logger: (message) => logger?.debug({ component: 'orm' }, message),
    allowGlobalContext: false,
    ...overrides,
  };
  if (kind === 'sqlite') {
    const file = db.url.slice('sqlite:'.length);
    if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
    const { MikroORM: SqliteORM } = await import('@mikro-orm/sqlite');
    return SqliteORM.init({
      ...common,
      dbName: file,
      onCreateConnection: async (connection: DatabaseConnection) => {
        for (const pragma of sqlitePragmas(db.sqlite_busy_timeout_ms ?? 5_000)) await connection.executeQuery(CompiledQuery.raw(`pragma ${pragma}`));
      },
    } as Options);
  }
  const { MikroORM: PostgreSqlORM } = await import('@mikro-orm/postgresql');
  return PostgreSqlORM.init({
    ...common,
    clientUrl: db.url,
    pool: { min: 0, max: db.pool_max ?? 10, idleTimeoutMillis: 30_000 },
    // A dropped server connection is detected by keep-alive and replaced, not handed out; a server that is down
    // fails a request within CONNECT_TIMEOUT_MS (connect, or wait for a pooled connection), not after the client gave up.
    driverOptions: { keepAlive: true, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, maxLifetimeSeconds: 1_800, onPoolCreated: releaseDroppedClients },
    onCreateConnection: async (connection: DatabaseConnection) => {
      await connection.executeQuery(CompiledQuery.raw('select 1'));
    },
  } as Options);
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(orm: Orm): Promise<string[]> {
  const applied = await orm.migrator.up();
  return applied.map((migration) => migration.name);
}

/** True when every known migration has been applied. */
export async function isMigrated(orm: Orm): Promise<boolean> {
  return (await orm.migrator.getPending()).length === 0;
}

/** A unit of work that keeps losing lock races is given up after this many attempts (then the conflict is a 503). */
export const MAX_TRANSACTION_ATTEMPTS = BUILT_IN_RETRY_POLICIES.database_conflict!.max_attempts;

export interface TransactionOptions {
  /** PostgreSQL's default is read committed; SQLite's transactions are serializable whatever is asked. */
  isolationLevel?: IsolationLevel;
}

/**
 * One unit of work: a fresh EntityManager fork in a transaction, committed on success, rolled back on error.
 * A transaction that lost a lock race (SQLITE_BUSY, PostgreSQL 40001/40P01) is run again, with backoff and
 * jitter, so `work` must be safe to repeat: it is, when its only effects are on its own EntityManager.
 */
export async function inTransaction<T>(orm: Orm, work: (em: EntityManager) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  // After the last attempt the conflict is reported (a 503).
  return withRetry(BUILT_IN_RETRY_POLICIES.database_conflict!, () => orm.em.fork().transactional(work, options), { isRetryable: isTransactionConflict });
}
