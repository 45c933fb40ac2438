import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Notification } from '../../db/entities/index.ts';
import { inTransaction } from '../../db/orm.ts';
import { putSetting } from '../../db/repositories/settings.ts';
import { createLogger } from '../../lib/logger.ts';
import { kickDelivery } from '../../notifications/kick.ts';
import { enqueueNotification } from '../../notifications/outbox.ts';
import { startLoopbackServer, type LoopbackServer } from '../helpers/httpServer.ts';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

const WORKER = join(import.meta.dirname, '..', '..', 'workers', 'main.ts');
const NOTIFICATIONS = 400;
const RECIPIENTS = 10;
const KILLS = 6;
/** Recipients delivered to at once (notifications/delivery.ts): at most this many sends are between acceptance and record at a kill. */
const IN_FLIGHT_AT_MOST = 8;
// A send timeout generous enough that a loaded machine never times out an accepted send (that is a duplicate too, but not a kill's);
// the lease covers two timeouts and a record (notifications/delivery.ts).
const OUTBOX_ENV = { NOTIFY_CLAIM_LEASE_MS: '13000', NOTIFY_TIMEOUT_MS: '5000' };

// kill -9 of the notifications worker at random points while notifications pour in, against receivers that count what they accepted.
describe('the outbox under kill -9 of its worker', () => {
  let platform: TestPlatform;
  let receiver: LoopbackServer;
  const accepted = new Map<string, number[]>();
  const kills: number[] = [];
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    // Each acceptance takes a few ms, so kills land in the middle of batches.
    receiver = await startLoopbackServer((req, _body, res) => {
      const key = String(req.headers['idempotency-key']);
      // When the request arrived: one killed in flight is still answered (and counted) a few ms after the kill.
      const arrivedAt = Date.now();
      setTimeout(() => {
        accepted.set(key, [...(accepted.get(key) ?? []), arrivedAt]);
        res.writeHead(204).end();
      }, 2 + Math.random() * 6);
    });
    platform = await startTestPlatform({ db: 'postgresql', env: { NOTIFY_CHANNEL: 'webhook', NOTIFY_WEBHOOK_URL: `${receiver.url}/r0`, ...OUTBOX_ENV } });
    await inTransaction(platform.orm, async (em) => {
      for (let user = 1; user < RECIPIENTS; user++) await putSetting(em, user, 'webhook_url', `${receiver.url}/r${user}`);
    });
  });

  afterAll(async () => {
    worker?.kill('SIGKILL');
    await platform?.close();
    await receiver?.close();
  });

  /** `node workers/main.ts --queue notifications` as its own process, on the test's database and namespace; resolves once it polls. */
  const startWorker = async () => {
    const child = spawn(process.execPath, [WORKER, '--queue', 'notifications'], {
      env: {
        ...process.env,
        APP_ENV: 'test',
        TEST_LOG_LEVEL: 'info',
        CONFIG_DIR: join(import.meta.dirname, '..', '..', 'config'),
        DB_URL: platform.config.db.url,
        TEMPORAL_ADDRESS: platform.config.temporal.address,
        TEMPORAL_NAMESPACE: platform.config.temporal.namespace,
        NOTIFY_CHANNEL: 'webhook',
        NOTIFY_WEBHOOK_URL: `${receiver.url}/r0`,
        ...OUTBOX_ENV,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await eventually(() => Promise.resolve(output.includes('worker started') || undefined), { timeoutMs: 60_000 });
    return child;
  };

  it('loses nothing, and sends twice only what was accepted just before a kill', async () => {
    const logger = createLogger(platform.config, { role: 'test' });
    let enqueued = 0;
    const producing = (async () => {
      for (; enqueued < NOTIFICATIONS; enqueued++) {
        await enqueueNotification(platform.orm, platform.config.notify, { idempotency_key: `chaos-${enqueued}/notify`, title: 'Chaos', text: `n ${enqueued}`, job_id: 1, user_id: enqueued % RECIPIENTS, data: { n: enqueued } });
        if (enqueued % 20 === 0) await kickDelivery(platform.temporal, logger);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();

    for (let round = 0; round < KILLS; round++) {
      worker = await startWorker();
      // Somewhere in the next two seconds of delivering: claiming, sending, recording.
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 2_000));
      kills.push(Date.now());
      worker.kill('SIGKILL');
    }
    await producing;
    worker = await startWorker();
    await kickDelivery(platform.temporal, logger);
    await eventually(async () => ((await inTransaction(platform.orm, (em) => em.count(Notification, { status: { $ne: 'sent' } }))) === 0 ? true : undefined), { timeoutMs: 120_000 });

    const keys = Array.from({ length: NOTIFICATIONS }, (_, n) => `chaos-${n}/notify`);
    const lost = keys.filter((key) => !accepted.has(key));
    const duplicated = keys.filter((key) => accepted.get(key)!.length > 1);
    // A duplicate was sent again only because a kill came between its acceptance and its record: a kill lies between its
    // two acceptances. (How long before the kill is not bounded: on a loaded machine a record can lag its acceptance by seconds.)
    const withoutKill = duplicated.filter((key) => {
      const [first, second] = accepted.get(key)!;
      return !kills.some((kill) => kill >= first! && kill <= second!);
    });
    process.stdout.write(`outbox chaos: ${NOTIFICATIONS} notifications, ${KILLS} kills -9, lost ${lost.length}, sent twice ${duplicated.length} (each across a kill: ${withoutKill.length === 0}; first acceptances ms before the next kill: ${duplicated.map((key) => Math.min(...kills.map((kill) => kill - accepted.get(key)![0]!).filter((gap) => gap >= 0))).join(' ')})\n`);
    expect(lost).toEqual([]);
    expect(withoutKill).toEqual([]);
    expect(duplicated.length).toBeLessThanOrEqual(KILLS * IN_FLIGHT_AT_MOST);
    expect(accepted.size).toBe(NOTIFICATIONS);
  }, 420_000);
});
