import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Notification } from '../../db/entities/index.ts';
import { inTransaction } from '../../db/orm.ts';
import { startLoopbackServer, type LoopbackServer } from '../helpers/httpServer.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { eventually, startTestPlatform, triggerAndWait, type TestPlatform } from '../helpers/platform.ts';

const NOTIFY_TIMEOUT_MS = 500;
const SLOW_ANSWERS = 2;

/**
 * A webhook endpoint that holds its answer past the platform's timeout for the first requests (they did reach it:
 * only the answer is late), then answers 200 at once. It keeps every request's Idempotency-Key.
 */
async function startSlowReceiver() {
  const keys: string[] = [];
  const server: LoopbackServer = await startLoopbackServer((req, _body, res) => {
    keys.push(String(req.headers['idempotency-key']));
    // Held far past the timeout: on a loaded machine a late timer must still fire before this answer arrives.
    if (keys.length <= SLOW_ANSWERS) setTimeout(() => res.writeHead(200).end(), 20 * NOTIFY_TIMEOUT_MS);
    else res.writeHead(200).end();
  });
  return { ...server, keys };
}

describe.each(['sqlite', 'postgresql'] as const)('a webhook that times out on its first two attempts, on %s', (db) => {
  let platform: TestPlatform;
  let receiver: Awaited<ReturnType<typeof startSlowReceiver>>;

  beforeAll(async () => {
    receiver = await startSlowReceiver();
    platform = await startTestPlatform({
      db,
      queues: ['alerts', 'notifications'],
      env: { NOTIFY_CHANNEL: 'webhook', NOTIFY_WEBHOOK_URL: `${receiver.url}/hook`, NOTIFY_TIMEOUT_MS: String(NOTIFY_TIMEOUT_MS) },
    });
  });

  afterAll(async () => {
    await platform?.close();
    await receiver?.close();
  });

  it('records one delivery, sent on the third attempt, and the receiver saw the same Idempotency-Key every time', async () => {
    const created = await platform.api('POST', '/jobs', priceAlertJob({ task_params: { condition: 'above', value: 1 } }));
    const run = await triggerAndWait(platform, created.body.id);
    expect(run).toMatchObject({ status: 'COMPLETED', result: { alert_triggered: true, notification_sent: true } });

    const key = `${run.workflow_id}/notify`;
    const sent = await eventually(() =>
      inTransaction(platform.orm, async (em) => {
        const row = await em.findOne(Notification, { idempotency_key: key }, { disableIdentityMap: true });
        return row?.status === 'sent' ? row : undefined;
      }),
    );
    expect(sent.attempts).toBe(SLOW_ANSWERS + 1);
    const rows = await inTransaction(platform.orm, (em) => em.find(Notification, { job_id: created.body.id }, { disableIdentityMap: true }));
    expect(rows.map((row) => row.status)).toEqual(['sent']);
    // Every attempt reached the receiver, the timed-out ones too, and each carried the one key it can deduplicate by.
    expect(receiver.keys).toEqual(Array.from({ length: SLOW_ANSWERS + 1 }, () => key));
  });
});
