import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTemporalReachable } from '../../scripts/temporalDevServer.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { isAlive, keelSite, killGroups, startKeel, type KeelProcess, type KeelSite } from '../helpers/keelProcess.ts';
import { eventually } from '../helpers/platform.ts';

// Crashes under `npm start`: a worker or the dev server killed with SIGKILL is restarted, and the API keeps answering meanwhile.
describe('npm start under crashes', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'keel-chaos-'));
  let keel: KeelProcess;
  let site: KeelSite;
  let jobId: number;

  beforeAll(async () => {
    site = await keelSite(dataDir);
    keel = startKeel(site);
    await keel.untilRunning();
    const created = await keel.api('POST', '/jobs', priceAlertJob({ task_params: { condition: 'above', value: 1 } }));
    expect(created.status).toBe(201);
    jobId = created.body.id;
  });

  afterAll(() => {
    killGroups(keel.allPids());
    rmSync(dataDir, { recursive: true, force: true });
  });

  const runToCompletion = async () => {
    const trigger = await keel.api('POST', `/jobs/${jobId}/trigger`);
    expect(trigger.status).toBe(202);
    return eventually(async () => {
      const run = await keel.api('GET', `/runs/${trigger.body.run_id}`);
      return run.body?.status === 'COMPLETED' ? run.body : undefined;
    }, { timeoutMs: 90_000 });
  };

  it('restarts a worker killed with SIGKILL, keeps the API serving, and runs the next job on the new worker', async () => {
    const [first] = keel.childPids('worker alerts');
    process.kill(first!, 'SIGKILL');
    // The API stays up while the worker is gone.
    expect((await keel.api('GET', `/jobs/${jobId}`)).status).toBe(200);
    const second = await eventually(() => Promise.resolve(keel.childPids('worker alerts')[1]), { timeoutMs: 15_000 });
    expect(keel.logs().find((line) => line.msg === 'worker alerts ended unexpectedly; restarting')).toMatchObject({ how: 'signal SIGKILL', failures: 1 });

    const run = await runToCompletion();
    expect(run.worker_id).toMatch(new RegExp(`^alerts@.*:${second}$`));
    expect(await keel.api('GET', '/health')).toMatchObject({ status: 200, body: { checks: { 'task_queue:alerts': [{ status: 'pass' }] } } });
  }, 150_000);

  /** GET /jobs/{id} needs Temporal (the live schedule): polled until `done`, every status kept (0: no answer within 20 s). */
  const pollJob = async (statuses: number[], done: (status: number) => boolean) =>
    eventually(async () => {
      const { status } = await keel.api('GET', `/jobs/${jobId}`);
      statuses.push(status);
      return done(status) ? true : undefined;
    }, { timeoutMs: 90_000, intervalMs: 100 });

  it('restarts a dev server killed with SIGKILL on the same database; the API and the worker reconnect by themselves', async () => {
    const [server] = keel.childPids('temporal dev server');
    const workersBefore = keel.childPids('worker alerts').length;
    process.kill(-server!, 'SIGKILL');
    const statuses: number[] = [];
    await pollJob(statuses, (status) => status === 200 && keel.childPids('temporal dev server').length === 2);

    expect(keel.logs().find((line) => line.msg === 'temporal dev server ended unexpectedly; restarting')).toMatchObject({ how: 'signal SIGKILL' });
    // A restart this quick is inside the client's own retries: requests wait for it rather than fail.
    expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    // The live schedule is still there: the restarted server read the same --db-filename.
    expect((await keel.api('GET', `/jobs/${jobId}`)).body.schedule).toBeDefined();
    await runToCompletion();
    // The worker reconnected by itself: nobody restarted it.
    expect(keel.childPids('worker alerts')).toHaveLength(workersBefore);
  }, 150_000);

  it('answers 503, never a 500 or silence, while the dev server hangs, and recovers once it is killed and restarted', async () => {
    const server = keel.childPids('temporal dev server').at(-1);
    const statuses: number[] = [];
    // Frozen, so the outage outlasts the client's retries (a crash alone is restarted within about a second).
    process.kill(-server!, 'SIGSTOP');
    await pollJob(statuses, (status) => status !== 200);
    process.kill(-server!, 'SIGKILL');
    await pollJob(statuses, (status) => status === 200 && keel.childPids('temporal dev server').length === 3);

    expect(new Set(statuses)).toEqual(new Set([200, 503]));
    await runToCompletion();
  }, 150_000);

  it('stops everything it started on SIGTERM and exits 0', async () => {
    keel.signalGroup('SIGTERM');
    expect(await keel.exited, keel.output().slice(-4_000)).toBe(0);
    expect(keel.allPids().filter(isAlive)).toEqual([]);
    expect(await isTemporalReachable(site.temporalAddress)).toBe(false);
  }, 60_000);
});
