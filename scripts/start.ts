import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startApi } from '../api/startApi.ts';
import { adminKeyBannerText, resolveAdminKey } from '../lib/adminKey.ts';
import { bootPlatform } from '../lib/boot.ts';
import { loadConfigOrExit, untilShutdownSignal } from '../lib/cli.ts';
import { activeTaskQueues } from '../lib/jobTypes.ts';
import { createLogger } from '../lib/logger.ts';
import { runReconciliationOptionsOf, startRunReconciliation } from '../lib/runReconciliation.ts';
import { isTemporalReachable, startTemporalDevServer } from './temporalDevServer.ts';

// `npm start`: the whole platform on one machine — Temporal dev server (unless one answers), one worker per queue, the API.

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(`keel: Node.js 24 or newer is required (this is ${process.version}); run it through npm start\n`);
  process.exit(1);
}

const config = loadConfigOrExit();
const logger = createLogger(config, { role: 'start' });
const dataDir = resolve(config.data_dir);
mkdirSync(join(dataDir, 'logs'), { recursive: true });

let devServer: Awaited<ReturnType<typeof startTemporalDevServer>> | undefined;
if (await isTemporalReachable(config.temporal.address)) {
  logger.info({ address: config.temporal.address }, 'using the Temporal server that answers there');
} else {
  const [, port] = config.temporal.address.split(':');
  devServer = await startTemporalDevServer({
    port: Number(port),
    uiPort: config.temporal.ui_port,
    dbFile: join(dataDir, 'temporal.db'),
    namespaces: [config.temporal.namespace],
    logFile: join(dataDir, 'logs', 'temporal.log'),
  });
}
const platform = await bootPlatform(config, logger, { migrations: 'apply' });

const workers = new Map<string, ChildProcess>();
let stopping = false;
for (const queue of activeTaskQueues()) {
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'workers', 'main.ts'), '--queue', queue], { stdio: 'inherit', env: process.env });
  workers.set(queue, child);
  child.once('exit', (code, signal) => {
    workers.delete(queue);
    if (!stopping) {
      logger.error({ queue, code, signal }, 'worker exited unexpectedly; stopping');
      process.kill(process.pid, 'SIGTERM');
    }
  });
}

const adminKey = resolveAdminKey(config);
const api = await startApi({ config, adminKey: adminKey.key, orm: platform.orm, temporal: platform.temporal, logger });
const reconciliation = startRunReconciliation({ ...platform, logger }, runReconciliationOptionsOf(config.reconcile));
const uiUrl = devServer?.uiUrl ?? `http://${config.temporal.address.split(':')[0]}:${config.temporal.ui_port} (if that server has a UI)`;

process.stdout.write(
  [
    '',
    'Keel is running.',
    `  API           ${api.url}`,
    `  Metrics       ${api.url}/metrics`,
    `  Temporal UI   ${uiUrl}`,
    `  Temporal      ${config.temporal.address} (namespace ${config.temporal.namespace})`,
    `  Workers       ${[...workers.keys()].join(', ')}`,
    `  Admin API key ${adminKeyBannerText(adminKey, dataDir)}`,
    `  Data          ${dataDir}`,
    '',
    `Try: curl -H 'Authorization: Bearer ${adminKey.source === 'generated' ? adminKey.key : '<admin key>'}' ${api.url}/jobs`,
    'Ctrl-C stops everything.',
    '',
  ].join('\n'),
);

const signal = await untilShutdownSignal();
stopping = true;
logger.info({ signal }, 'stopping');
await api.close();
await reconciliation.stop();
await Promise.all(
  [...workers.values()].map(
    (child) =>
      new Promise<void>((resolveExit) => {
        child.once('exit', () => resolveExit());
        child.kill('SIGTERM');
      }),
  ),
);
await platform.close();
await devServer?.stop();
logger.info('stopped');
