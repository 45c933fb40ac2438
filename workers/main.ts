import { parseArgs } from 'node:util';
import { bootPlatform, NotMigratedError } from '../lib/boot.ts';
import { loadConfigOrExit, untilShutdownSignal } from '../lib/cli.ts';
import { activeTaskQueues, type TaskQueue } from '../lib/jobTypes.ts';
import { createLogger } from '../lib/logger.ts';
import { pingTemporal } from '../lib/temporal.ts';
import { installTemporalRuntime } from '../lib/temporalRuntime.ts';
import { connectWorker, createKeelWorker, workerIdentity } from './createWorker.ts';
import { startWorkerHealthServer } from './healthServer.ts';
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
// Installed before the slow start (bundling) so a signal then is not fatal either.
const shutdownSignal = untilShutdownSignal((signal) => logger.warn({ signal }, 'worker already draining; signal ignored'));

const platform = await bootPlatform(config, logger, { migrations: 'require' }).catch((error: unknown) => {
  if (!(error instanceof NotMigratedError)) throw error;
  logger.fatal(error.message);
  process.exit(1);
});
const services = createWorkerServices(config, { orm: platform.orm, temporal: platform.temporal, logger, workerId: workerIdentity(queue) });
const connection = await connectWorker(config.temporal);
const worker = await createKeelWorker({ connection, namespace: config.temporal.namespace, queue, services });

const health = await startWorkerHealthServer({
  host: config.worker.health_host,
  port: config.worker.health_port,
  ready: [
    { name: 'database', critical: true, run: () => platform.orm.em.fork().getConnection().execute('select 1').then(() => undefined) },
    { name: 'temporal', critical: true, run: () => pingTemporal(platform.temporal.connection, platform.temporal.namespace) },
    {
      name: 'worker',
      critical: true,
      run: () => (worker.getState() === 'RUNNING' ? Promise.resolve() : Promise.reject(new Error(`worker is ${worker.getState()}`))),
    },
  ],
});

// run() is RUNNING at once, so a signal that came during start-up can shut it down too.
const running = worker.run();
void shutdownSignal.then((signal) => {
  logger.info({ signal }, 'worker draining: no new tasks, in-flight activities finish or are handed back');
  worker.shutdown();
});
logger.info({ namespace: config.temporal.namespace, task_queue: queue, health_url: health.url }, 'worker started');
await running;
await health.close();
await connection.close();
await platform.close();
logger.info('worker stopped');
