import { parseArgs } from 'node:util';
import proto from '@temporalio/proto';
import { tsToMs } from '@temporalio/common/lib/time.js';
import { JobRun } from '../db/entities/index.ts';
import { inTransaction } from '../db/orm.ts';
import { JobScheduler } from '../lib/jobScheduler.ts';
import { jobTypeDefinition } from '../lib/jobTypes.ts';
import { DEV_SERVER_DYNAMIC_CONFIG } from '../scripts/temporalDevServer.ts';
import { scheduleIdFor } from '../workflows/names.ts';
import { connectWorker, createKeelWorker, workerIdentity } from '../workers/createWorker.ts';
import { createWorkerServices } from '../workers/services.ts';
import { machineLine, percentile, runAll, startBenchPlatform } from './harness.ts';

// `npm run bench:fire-accuracy [-- --schedules 500 --minutes 3 --server keel|temporal]`: many schedules firing in the
// same minute, with the alerts worker running: how late each workflow starts, and its first activity, after the nominal
// fire time. `--server temporal` runs the dev server with Temporal's default settings, `keel` with the ones `npm start`
// uses (DEV_SERVER_DYNAMIC_CONFIG).

const { values } = parseArgs({
  options: { schedules: { type: 'string', default: '500' }, minutes: { type: 'string', default: '3' }, server: { type: 'string', default: 'keel' } },
});
const SCHEDULES = Number(values.schedules);
const MINUTES = Number(values.minutes);
const dynamicConfig = values.server === 'temporal' ? {} : DEV_SERVER_DYNAMIC_CONFIG;
const EventType = proto.temporal.api.enums.v1.EventType;
const PARAMS = jobTypeDefinition('price_alert')!.taskParams.parse({ condition: 'above', value: 1 });

const bench = await startBenchPlatform({ db: 'sqlite', dynamicConfig });
const { orm, temporal, config, logger } = bench;
const connection = await connectWorker(config.temporal);
const worker = await createKeelWorker({ connection, namespace: config.temporal.namespace, queue: 'alerts', services: createWorkerServices(config, { orm, temporal, logger, workerId: workerIdentity('alerts') }) });
const running = worker.run();

// Created paused, then unpaused together, so no schedule fires before the measured minutes.
const scheduler = new JobScheduler({ orm, temporal, logger });
const ids: number[] = [];
let started = performance.now();
await runAll(SCHEDULES, 8, async (index) => {
  const job = await scheduler.create({ name: `fire-${index}`, job_type: 'price_alert', target: 'BTCUSDT', task_params: PARAMS, cron: '* * * * *', timezone: 'UTC', enabled: false, user_id: 1 });
  ids.push(job.id);
});
process.stdout.write(`created ${SCHEDULES} paused schedules in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
await runAll(ids.length, 8, (index) => temporal.client.schedule.getHandle(scheduleIdFor(ids[index]!)).unpause('fire accuracy bench'));
// The first minute that starts at least 5 s after every schedule is live.
const firstMinute = Math.ceil((Date.now() + 5_000) / 60_000) * 60_000;
const endMinute = firstMinute + MINUTES * 60_000;
process.stdout.write(`measuring fires from ${new Date(firstMinute).toISOString()} for ${MINUTES} min\n`);

// Wait for every run of the measured minutes to finish (or give up 2 min after the last one).
const expected = SCHEDULES * MINUTES;
const inWindow = { scheduled_for: { $gte: new Date(firstMinute), $lt: new Date(endMinute) } };
const deadline = endMinute + 120_000;
let finished = 0;
while (Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  finished = await inTransaction(orm, (em) => em.count(JobRun, { ...inWindow, status: 'COMPLETED' }));
  if (finished >= expected) break;
}
// Stop firing before reading histories, so the reading does not disturb the figures.
await runAll(ids.length, 8, (index) => temporal.client.schedule.getHandle(scheduleIdFor(ids[index]!)).pause('fire accuracy bench done'));

const runs = await inTransaction(orm, (em) => em.find(JobRun, inWindow));
const workflowLag: number[] = [];
const activityLag: number[] = [];
started = performance.now();
await runAll(runs.length, 16, async (index) => {
  const run = runs[index]!;
  const nominal = run.scheduled_for!.getTime();
  const { events } = await temporal.client.workflow.getHandle(run.workflow_id).fetchHistory();
  const timeOf = (type: proto.temporal.api.enums.v1.EventType) => {
    const event = events?.find((candidate) => candidate.eventType === type);
    return event?.eventTime ? tsToMs(event.eventTime) : undefined;
  };
  const workflowStart = timeOf(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
  const activityStart = timeOf(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED);
  if (workflowStart !== undefined) workflowLag.push(workflowStart - nominal);
  if (activityStart !== undefined) activityLag.push(activityStart - nominal);
});

const summary = (lags: number[]) =>
  lags.length ? `p50 ${percentile(lags, 50).toFixed(0).padStart(5)} ms   p99 ${percentile(lags, 99).toFixed(0).padStart(5)} ms   max ${Math.max(...lags).toFixed(0).padStart(5)} ms` : 'none';
process.stdout.write(
  [
    `${machineLine()}`,
    `server settings: ${values.server} ${JSON.stringify(dynamicConfig)}`,
    `${SCHEDULES} schedules x ${MINUTES} min: ${runs.length} of ${expected} fires started, ${finished} completed`,
    `  workflow start - nominal        ${summary(workflowLag)}`,
    `  first activity start - nominal  ${summary(activityLag)}`,
    '',
  ].join('\n'),
);

await runAll(ids.length, 8, (index) => scheduler.delete(ids[index]!));
worker.shutdown();
await running;
await connection.close();
await bench.stop();
// The Temporal runtime's threads keep the process alive after every connection closed.
process.exit(0);
