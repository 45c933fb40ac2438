import { initORM, migrate } from '../db/orm.ts';
import { resolveAdminKey } from '../lib/adminKey.ts';
import { loadConfigOrExit, untilShutdownSignal } from '../lib/cli.ts';
import { createLogger } from '../lib/logger.ts';
import { runReconciliationOptionsOf, startRunReconciliation } from '../lib/runReconciliation.ts';
import { connectTemporal, ensureSearchAttributes } from '../lib/temporal.ts';
import { startApi } from './startApi.ts';

// The HTTP API process: migrates the database, registers search attributes, serves until SIGINT/SIGTERM.
const config = loadConfigOrExit();
const logger = createLogger(config, { role: 'api' });
const orm = await initORM(config.db, logger);
const applied = await migrate(orm);
if (applied.length) logger.info({ migrations: applied }, 'migrations applied');
const temporal = await connectTemporal(config.temporal);
await ensureSearchAttributes(temporal.connection, temporal.namespace);
const adminKey = resolveAdminKey(config);
const api = await startApi({ config, adminKey: adminKey.key, orm, temporal, logger });
logger.info({ url: api.url, admin_key_source: adminKey.source }, 'api listening');
// Closes the runs the recorder could not (terminated, timed out, never started), from Temporal's record.
const reconciliation = startRunReconciliation({ orm, temporal, logger }, runReconciliationOptionsOf(config.reconcile));

const signal = await untilShutdownSignal();
logger.info({ signal }, 'api stopping');
await api.close();
await reconciliation.stop();
await temporal.connection.close();
await orm.close();
