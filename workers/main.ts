import { parseArgs } from 'node:util';
import { isMigrated, initORM } from '../db/orm.ts';
import { loadConfigOrExit, untilShutdownSignal } from '../lib/cli.ts';
import { TASK_QUEUES, type TaskQueue } from '../lib/jobTypes.ts';
import { createLogger } from '../lib/logger.ts';
import { installTemporalRuntime } from '../lib/temporalRuntime.ts';
import { createConfiguredActivities } from './activities.ts';
import { connectWorker, createKeelWorker, workerIdentity } from './createWorker.ts';

// One worker process for one task queue: `node workers/main.ts --queue alerts`.
const { values } = parseArgs({ options: { queue: { type: 'string' } } });
const queue = values.queue as TaskQueue | undefined;
if (!queue || !TASK_QUEUES.includes(queue)) {
  process.stderr.write(`keel worker: --queue must be one of ${TASK_QUEUES.join(', ')}\n`);
  process.exit(64); // EX_USAGE
}

const config = loadConfigOrExit();
const logger = createLogger(config, { role: 'worker', queue });
installTemporalRuntime(logger);

const orm = await initORM(config.db, logger);
if (!(await isMigrated(orm))) {
  logger.fatal('the database has pending migrations: run `npm run migrate` (npm start does it) first');
  await orm.close();
  process.exit(1);
}
const activities = createConfiguredActivities(config, { orm, logger, workerId: workerIdentity(queue) });
const connection = await connectWorker(config.temporal);
const worker = await createKeelWorker({ connection, namespace: config.temporal.namespace, queue, activities });

void untilShutdownSignal().then((signal) => {
  logger.info({ signal }, 'worker draining');
  worker.shutdown();
});
logger.info({ namespace: config.temporal.namespace, task_queue: queue }, 'worker started');
await worker.run();
await connection.close();
await orm.close();
logger.info('worker stopped');
