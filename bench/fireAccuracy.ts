import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { tsToMs } from '@temporalio/common/lib/time.js';
import { JobRun } from '../db/entities/index.ts';
import { inTransaction } from '../db/orm.ts';
import { JobScheduler } from '../lib/jobScheduler.ts';
import { jobTypeDefinition } from '../lib/jobTypes.ts';
import { DEV_SERVER_DYNAMIC_CONFIG } from '../scripts/temporalDevServer.ts';
import { scheduleIdFor } from '../workflows/names.ts';
import { connectWorker, createKeelWorker, workerIdentity } from '../workers/createWorker.ts';
import { createWorkerServices } from '../workers/services.ts';
import { createBaselineActivities } from './baselineActivities.ts';
import { machineLine, percentile, runAll, startBenchPlatform } from './harness.ts';

// `npm run bench:fire-accuracy [-- --schedules 500 --minutes 3 --server keel|temporal]`: many schedules firing in the
// same minute, with the alerts worker running: how late each workflow starts, wakes (price alerts start ahead of their
// fire time and wait for it) and starts its first activity, after the nominal fire time. Then the baseline, on the same
// server: as many bare workflows started ahead, waiting for one minute, running two no-op activities. `--server temporal`
// runs the dev server with Temporal's default settings, `keel` with the ones `npm start` uses (DEV_SERVER_DYNAMIC_CONFIG).

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
const baselineWorker = await Worker.create({
  connection,
  namespace: config.temporal.namespace,
  taskQueue: 'bench-wake-baseline',
  workflowsPath: join(import.meta.dirname, 'wakeBaselineWorkflow.ts'),
  activities: createBaselineActivities(),
});
const running = Promise.all([worker.run(), baselineWorker.run()]);
const LEAD_MS = jobTypeDefinition('price_alert')!.run.startAheadMs;

// Created paused, then unpaused together, so no schedule fires before the measured minutes.
const scheduler = new JobScheduler({ orm, temporal, logger });
const ids: number[] = [];
const started = performance.now();
await runAll(SCHEDULES, 8, async (index) => {
  const job = await scheduler.create({ name: `fire-${index}`, job_type: 'price_alert', target: 'BTCUSDT', task_params: PARAMS, cron: '* * * * *', timezone: 'UTC', enabled: false, user_id: 1 });
  ids.push(job.id);
});
process.stdout.write(`created ${SCHEDULES} paused schedules in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
await runAll(ids.length, 8, (index) => temporal.client.schedule.getHandle(scheduleIdFor(ids[index]!)).unpause('fire accuracy bench'));
// The first minute whose runs start (start_ahead_ms early) at least 5 s after every schedule is live.
const firstMinute = Math.ceil((Date.now() + 5_000 + LEAD_MS) / 60_000) * 60_000;
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
const keel = await lagsOf(
  temporal.client,
  runs.map((run) => ({ workflowId: run.workflow_id, fireTime: run.scheduled_for!.getTime() })),
);

// The baseline: bare workflows started ahead (as the schedules start Keel's), all waiting for the same minute; one
// after any run a schedule started ahead before it was paused.
const baselineMinute = Math.max(Math.ceil((Date.now() + LEAD_MS) / 60_000) * 60_000, endMinute + 60_000);
const baselineIds = Array.from({ length: SCHEDULES }, (_, index) => `wake-baseline-${baselineMinute}-${index}`);
await runAll(SCHEDULES, 8, (index) =>
  temporal.client.workflow.start('wakeBaselineWorkflow', { taskQueue: 'bench-wake-baseline', workflowId: baselineIds[index]!, args: [baselineMinute] }),
);
await new Promise((resolve) => setTimeout(resolve, Math.max(0, baselineMinute - Date.now()) + 5_000));
await runAll(SCHEDULES, 16, (index) => temporal.client.workflow.getHandle(baselineIds[index]!).result());
const baseline = await lagsOf(
  temporal.client,
  baselineIds.map((workflowId) => ({ workflowId, fireTime: baselineMinute })),
);

const summary = (lags: number[]) =>
  lags.length ? `p50 ${percentile(lags, 50).toFixed(0).padStart(6)} ms   p99 ${percentile(lags, 99).toFixed(0).padStart(6)} ms   max ${Math.max(...lags).toFixed(0).padStart(6)} ms` : 'none';
const lines = (lags: Lags) => [
  `  workflow start - nominal        ${summary(lags.workflowStart)}`,
  `  wake (timer fired) - nominal    ${summary(lags.wake)}`,
  `  first activity start - nominal  ${summary(lags.firstActivity)}`,
];
const p99 = (lags: number[]) => (lags.length ? percentile(lags, 99) : NaN);
process.stdout.write(
  [
    `${machineLine()}`,
    `server settings: ${values.server} ${JSON.stringify(dynamicConfig)}; price alerts start ${LEAD_MS / 1000} s ahead`,
    `keel: ${SCHEDULES} schedules x ${MINUTES} min: ${runs.length} of ${expected} fires started, ${finished} completed`,
    ...lines(keel),
    `baseline: ${SCHEDULES} bare workflows started ahead, waiting for one minute, two no-op activities`,
    ...lines(baseline),
    `first activity p99, keel / baseline: ${(p99(keel.firstActivity) / p99(baseline.firstActivity)).toFixed(2)}`,
    '',
  ].join('\n'),
);

await runAll(ids.length, 8, (index) => scheduler.delete(ids[index]!));
worker.shutdown();
baselineWorker.shutdown();
await running;
await connection.close();
await bench.stop();
// The Temporal runtime's threads keep the process alive after every connection closed.
process.exit(0);

interface Lags {
  workflowStart: number[];
  wake: number[];
  firstActivity: number[];
}

/** From each workflow's history: its start, its wake from the wait (if it waited), and its first activity's start, less its fire time. */
async function lagsOf(client: Client, workflows: { workflowId: string; fireTime: number }[]): Promise<Lags> {
  const lags: Lags = { workflowStart: [], wake: [], firstActivity: [] };
  await runAll(workflows.length, 16, async (index) => {
    const { workflowId, fireTime } = workflows[index]!;
    const { events } = await client.workflow.getHandle(workflowId).fetchHistory();
    const timeOf = (type: proto.temporal.api.enums.v1.EventType) => {
      const event = events?.find((candidate) => candidate.eventType === type);
      return event?.eventTime ? tsToMs(event.eventTime) : undefined;
    };
    const record = (into: number[], at: number | undefined) => at !== undefined && into.push(at - fireTime);
    record(lags.workflowStart, timeOf(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED));
    record(lags.wake, timeOf(EventType.EVENT_TYPE_TIMER_FIRED));
    record(lags.firstActivity, timeOf(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED));
  });
  return lags;
}
