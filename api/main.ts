import { resolveAdminKey } from '../lib/adminKey.ts';
import { bootPlatform } from '../lib/boot.ts';
import { loadConfigOrExit, untilShutdownSignal } from '../lib/cli.ts';
import { ErrorEventRecorder } from '../lib/errorEvents.ts';
import { createLogger } from '../lib/logger.ts';
import { runReconciliationOptionsOf, startRunReconciliation } from '../lib/runReconciliation.ts';
import { startApi } from './startApi.ts';

// The HTTP API process: migrates the database, registers search attributes, serves until SIGINT/SIGTERM.
const config = loadConfigOrExit();
const logger = createLogger(config, { role: 'api' });
const platform = await bootPlatform(config, logger, { migrations: 'apply' });
const adminKey = resolveAdminKey(config);
const api = await startApi({ config, adminKey: adminKey.key, orm: platform.orm, temporal: platform.temporal, logger });
logger.info({ url: api.url, admin_key_source: adminKey.source }, 'api listening');
const errorEvents = new ErrorEventRecorder(platform.orm, logger);
// Closes the runs the recorder could not (terminated, timed out, never started), from Temporal's record.
const reconciliation = startRunReconciliation({ ...platform, logger, errorEvents }, runReconciliationOptionsOf(config.reconcile));

const signal = await untilShutdownSignal((repeated) => logger.warn({ signal: repeated }, 'api already stopping; signal ignored'));
logger.info({ signal }, 'api stopping');
await api.close();
await reconciliation.stop();
await errorEvents.close();
await platform.close();
