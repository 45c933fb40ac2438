import { parseArgs } from 'node:util';
import { bootPlatform, NotMigratedError } from '../lib/boot.ts';
import { loadConfigOrExit, untilShutdownSignal } from '../lib/cli.ts';
import { activeTaskQueues, type TaskQueue } from '../lib/jobTypes.ts';
import { createLogger } from '../lib/logger.ts';
import { installTemporalRuntime } from '../lib/temporalRuntime.ts';
import { connectWorker, createKeelWorker, workerIdentity } from './createWorker.ts';
import { createWorkerServices } from './services.ts';

// One worker process for one task queue: `node workers/main.ts --queue alerts`.
const { values } = parseArgs({ options: { queue: { type: 'string' } } });
const queues = activeTaskQueues();
const queue = values.queue as TaskQueue | undefined;
if (!queue || !queues.includes(queue)) {
  process.stderr.write(`keel worker: --queue must be one of ${queues.join(', ')} (the queues that have job types)\n`);
  process.exit(64); // EX_USAGE
}

const config = loadConfigOrExit();
const logger = createLogger(config, { role: 'worker', queue });
installTemporalRuntime(logger);

const platform = await bootPlatform(config, logger, { migrations: 'require' }).catch((error: unknown) => {
  if (!(error instanceof NotMigratedError)) throw error;
  logger.fatal(error.message);
  process.exit(1);
});
const services = createWorkerServices(config, { orm: platform.orm, logger, workerId: workerIdentity(queue) });
const connection = await connectWorker(config.temporal);
const worker = await createKeelWorker({ connection, namespace: config.temporal.namespace, queue, services });

void untilShutdownSignal().then((signal) => {
  logger.info({ signal }, 'worker draining');
  worker.shutdown();
});
logger.info({ namespace: config.temporal.namespace, task_queue: queue }, 'worker started');
await worker.run();
await connection.close();
await platform.close();
logger.info('worker stopped');
