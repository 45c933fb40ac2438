import { initORM, isMigrated, migrate, type Orm } from '../db/orm.ts';
import type { Config } from './config.ts';
import { applyJobTypeConfig } from './jobTypes.ts';
import type { Logger } from './logger.ts';
import { withRetry } from './retry.ts';
import { connectTemporal, ensureSearchAttributes, type TemporalClient } from './temporal.ts';

export interface Platform {
  orm: Orm;
  temporal: TemporalClient;
  /** Closes the Temporal connection, then the database. */
  close(): Promise<void>;
}

export interface BootOptions {
  /** `apply` migrates the database (API, npm start); `require` refuses to run on an unmigrated one (workers). */
  migrations: 'apply' | 'require';
}

export class NotMigratedError extends Error {
  override name = 'NotMigratedError';
}

/** The one boot path of every entry point: open the database, migrate or check it, connect Temporal, register search attributes. */
export async function bootPlatform(config: Config, logger: Logger, options: BootOptions): Promise<Platform> {
  applyJobTypeConfig(config.job_types);
  // A database or Temporal server still starting is waited for under the `startup` retry policy.
  const startup = config.error_handling.retry_policies.startup!;
  const onRetry = (error: unknown, attempt: number, delayMs: number) => logger.warn({ err: error, attempt, delay_ms: delayMs }, 'start-up connection failed; retrying');
  const orm = await withRetry(startup, () => initORM(config.db, logger), { onRetry });
  let temporal: TemporalClient | undefined;
  try {
    if (options.migrations === 'apply') {
      const applied = await migrate(orm);
      if (applied.length) logger.info({ migrations: applied }, 'migrations applied');
    } else if (!(await isMigrated(orm))) {
      throw new NotMigratedError('the database has pending migrations: run `npm run migrate` (npm start does it) first');
    }
    temporal = await withRetry(startup, () => connectTemporal(config.temporal), { onRetry });
    await ensureSearchAttributes(temporal.connection, temporal.namespace);
    const connected = temporal;
    return {
      orm,
      temporal: connected,
      async close() {
        await connected.connection.close();
        await orm.close();
      },
    };
  } catch (error) {
    await temporal?.connection.close();
    await orm.close();
    throw error;
  }
}
