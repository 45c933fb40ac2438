import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../scripts/freePort.ts';
import { startTemporalDevServer, type DevServer } from '../../scripts/temporalDevServer.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

const PERIOD_MS = 5_000;
const OUTAGE_MS = 30_000;
const SHORT_CATCHUP_S = 10;

// A Temporal server of this file's own, stopped for 30 s under schedules firing every 5 s and a running worker, then
// started again on the same state file: neither the API nor the worker is restarted.
describe('schedules across a 30 s Temporal outage', () => {
  let dir: string;
  let port: number;
  let server: DevServer | undefined;
  let platform: TestPlatform;

  const startServer = async () => {
    server = await startTemporalDevServer({ port, headless: true, dbFile: join(dir, 'temporal.db') });
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keel-chaos-catchup-'));
    port = await findFreePort();
    await startServer();
    platform = await startTestPlatform({ db: 'sqlite', queues: ['alerts'], env: { TEMPORAL_ADDRESS: server!.address, TEMPORAL_NAMESPACE: 'default' } });
  });

  afterAll(async () => {
    if (!server) await startServer();
    await platform?.close();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const scheduledTimes = async (jobId: number) => {
    const runs = await platform.api('GET', `/jobs/${jobId}/runs?status=COMPLETED`);
    return new Set<number>(runs.body.items.map((run: { scheduled_for: string }) => Date.parse(run.scheduled_for)));
  };

  it('catches up every fire of the gap within a long catch-up window, only the last ones within a short one, and the worker runs them without a restart', async () => {
    const every5s = { task_params: { condition: 'above', value: 1 }, cron: '*/5 * * * * * *' };
    const patient = (await platform.api('POST', '/jobs', priceAlertJob({ ...every5s, name: 'patient', overlap: 'buffer_all', catchup_window: 3_600 }))).body;
    const hasty = (await platform.api('POST', '/jobs', priceAlertJob({ ...every5s, name: 'hasty', overlap: 'buffer_all', catchup_window: SHORT_CATCHUP_S }))).body;
    // Both are firing and recorded before the outage.
    await eventually(async () => ((await scheduledTimes(patient.id)).size > 0 && (await scheduledTimes(hasty.id)).size > 0 ? true : undefined));

    await server!.stop();
    server = undefined;
    const stoppedAt = Date.now();
    await sleep(OUTAGE_MS);
    // The server acts from some moment between these two: a fire is surely stale only if it was before the first.
    const restartBegan = Date.now();
    await startServer();
    const restartedAt = Date.now();

    // The fires the outage swallowed, on the 5 s grid.
    const gap: number[] = [];
    for (let t = Math.ceil((stoppedAt + 1_000) / PERIOD_MS) * PERIOD_MS; t < restartedAt - 1_000; t += PERIOD_MS) gap.push(t);
    expect(gap.length).toBeGreaterThanOrEqual(5);

    // A long window: every fire of the gap runs once the server is back, one after another (buffer_all).
    await eventually(async () => {
      const done = await scheduledTimes(patient.id);
      return gap.every((t) => done.has(t)) ? true : undefined;
    }, { timeoutMs: 60_000 });

    // A short window: fires more than 10 s old when the server came back are dropped, and Temporal counts them.
    const hastyHandle = platform.temporal.client.schedule.getHandle(hasty.schedule_id);
    const described = await eventually(async () => {
      const description = await hastyHandle.describe();
      return description.info.numActionsMissedCatchupWindow > 0 ? description : undefined;
    }, { timeoutMs: 30_000 });
    const hastyDone = await scheduledTimes(hasty.id);
    const staleFires = gap.filter((t) => restartBegan - t > SHORT_CATCHUP_S * 1_000 + 1_000);
    expect(staleFires.length).toBeGreaterThan(0);
    expect(staleFires.filter((t) => hastyDone.has(t))).toEqual([]);
    expect(described.info.numActionsMissedCatchupWindow).toBeGreaterThanOrEqual(staleFires.length);

    // Both go on firing on the grid after the outage, run by the same in-process worker.
    const after = Date.now();
    await eventually(async () => {
      const [p, h] = [await scheduledTimes(patient.id), await scheduledTimes(hasty.id)];
      return [...p].some((t) => t > after) && [...h].some((t) => t > after) ? true : undefined;
    }, { timeoutMs: 30_000 });
    for (const job of [patient, hasty]) expect((await platform.api('DELETE', `/jobs/${job.id}`)).status).toBe(204);
  });
});
