import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { isTemporalReachable } from '../../scripts/temporalDevServer.ts';
import { startLoopbackServer, type LoopbackServer } from '../helpers/httpServer.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { isAlive, keelSite, killGroups, startKeel, type KeelProcess } from '../helpers/keelProcess.ts';
import { eventually } from '../helpers/platform.ts';

const DELIVERY_TAKES_MS = 3_000;

// Ctrl-C to the whole process group mid-run: the in-flight activity finishes, everything stops in order, exit 0, and the run completes after the next start.
describe('npm start stopped mid-run', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'keel-chaos-stop-'));
  const started: KeelProcess[] = [];
  let receiver: LoopbackServer | undefined;

  afterAll(async () => {
    killGroups(started.flatMap((keel) => keel.allPids()));
    await receiver?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('drains on SIGTERM to the group, ignores the second one, exits 0, and the run completes after the next start', async () => {
    // A slow webhook: each delivery is answered only after a while, so the signal lands mid-activity (the outbox delivery).
    const deliveries: string[] = [];
    receiver = await startLoopbackServer((req, body, res) => {
      deliveries.push(String(req.headers['idempotency-key']));
      setTimeout(() => res.writeHead(204).end(), DELIVERY_TAKES_MS);
    });
    const site = await keelSite(dataDir, { NOTIFY_CHANNEL: 'webhook', NOTIFY_WEBHOOK_URL: `${receiver.url}/hook` });
    const first = startKeel(site);
    started.push(first);
    await first.untilRunning();
    const created = await first.api('POST', '/jobs', priceAlertJob({ task_params: { condition: 'above', value: 1 } }));
    const trigger = await first.api('POST', `/jobs/${created.body.id}/trigger`);
    expect(trigger.status).toBe(202);
    await eventually(() => Promise.resolve(deliveries.length > 0 || undefined));

    first.signalGroup('SIGTERM');
    await sleep(300);
    first.signalGroup('SIGTERM');
    expect(await first.exited, first.output().slice(-4_000)).toBe(0);
    expect(first.logs().some((line) => line.msg === 'already stopping; signal ignored so the drain can finish')).toBe(true);
    // The delivery in flight was answered, not cut: the worker drained before anything it needs stopped.
    expect(first.logs().some((line) => line.msg === 'notification sent')).toBe(true);
    expect(first.allPids().filter(isAlive)).toEqual([]);
    expect(await isTemporalReachable(site.temporalAddress)).toBe(false);

    const second = startKeel(site);
    started.push(second);
    await second.untilRunning();
    const run = await eventually(async () => {
      const { body } = await second.api('GET', `/runs/${trigger.body.run_id}`);
      return body?.status === 'COMPLETED' ? body : undefined;
    }, { timeoutMs: 30_000 });
    expect(run.result).toMatchObject({ alert_triggered: true, notification_sent: true });
    // Delivered once: the drained activity's result was kept, not redone.
    expect(new Set(deliveries).size).toBe(1);
    expect(deliveries).toHaveLength(1);

    second.signalGroup('SIGINT');
    expect(await second.exited, second.output().slice(-4_000)).toBe(0);
    expect(second.allPids().filter(isAlive)).toEqual([]);
  }, 240_000);
});
