import { initORM, migrate } from '../db/orm.ts';
import { loadConfigOrExit } from '../lib/cli.ts';
import { createLogger } from '../lib/logger.ts';

// `npm run migrate`: applies pending migrations to the database DB_URL names.
const config = loadConfigOrExit();
const logger = createLogger(config, { role: 'migrate' });
const orm = await initORM(config.db, logger);
const applied = await migrate(orm);
logger.info({ migrations: applied }, applied.length ? 'migrations applied' : 'database already up to date');
await orm.close();
