import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Notification, TelegramUser } from '../../db/entities/index.ts';
import { inTransaction } from '../../db/orm.ts';
import { addNotification } from '../../db/repositories/notifications.ts';
import { putSetting } from '../../db/repositories/settings.ts';
import { linkTelegramChat } from '../../db/repositories/telegramUsers.ts';
import { JobScheduler } from '../../lib/jobScheduler.ts';
import { createLogger } from '../../lib/logger.ts';
import { ensureDeliveryJob } from '../../notifications/deliverySchedule.ts';
import { kickDelivery } from '../../notifications/kick.ts';
import { enqueueNotification } from '../../notifications/outbox.ts';
import { startFakeTelegram, type FakeTelegram } from '../helpers/fakeTelegram.ts';
import { startLoopbackServer, type LoopbackServer } from '../helpers/httpServer.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { eventually, startTestPlatform, triggerAndWait, type TestPlatform } from '../helpers/platform.ts';

const TOKEN = '424242:AAE-very-secret-bot-token';
// A 1×1 PNG: what a report's chart would be.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** A webhook endpoint that counts what it accepted per idempotency key; `/fail` answers 503 while `failing` is set. */
async function startCountingReceiver() {
  const accepted = new Map<string, number>();
  const state = { failing: true, refused: 0 };
  const server: LoopbackServer = await startLoopbackServer((req, _body, res) => {
    if (req.url === '/fail' && state.failing) {
      state.refused += 1;
      res.writeHead(503).end();
      return;
    }
    const key = String(req.headers['idempotency-key']);
    accepted.set(key, (accepted.get(key) ?? 0) + 1);
    res.writeHead(204).end();
  });
  return { ...server, accepted, state };
}

describe.each(['sqlite', 'postgresql'] as const)('the notification outbox on %s', (db) => {
  let platform: TestPlatform;
  let telegram: FakeTelegram;
  let receiver: Awaited<ReturnType<typeof startCountingReceiver>>;
  const lines: string[] = [];

  beforeAll(async () => {
    telegram = await startFakeTelegram();
    receiver = await startCountingReceiver();
    platform = await startTestPlatform({
      db,
      queues: ['alerts', 'notifications'],
      logLines: lines,
      env: {
        TEST_LOG_LEVEL: 'info',
        NOTIFY_CHANNEL: 'webhook',
        NOTIFY_WEBHOOK_URL: `${receiver.url}/hook`,
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_API_BASE_URL: telegram.url,
        TEST_NOTIFY_BATCH_CRON: '*/30 * * * *',
      },
    });
  });

  afterAll(async () => {
    await platform?.close();
    await telegram?.close();
    await receiver?.close();
  });

  const rowOf = (key: string) => inTransaction(platform.orm, (em) => em.findOne(Notification, { idempotency_key: key }, { disableIdentityMap: true }));
  const alertFor = async (user_id: number) => {
    const created = await platform.api('POST', '/jobs', priceAlertJob({ user_id, task_params: { condition: 'above', value: 1 } }));
    const run = await triggerAndWait(platform, created.body.id);
    expect(run.result).toMatchObject({ alert_triggered: true, notification_sent: true });
    return `${run.workflow_id}/notify`;
  };
  const sent = (key: string) =>
    eventually(async () => {
      const row = await rowOf(key);
      return row?.status === 'sent' ? row : undefined;
    });

  it('keeps its notification_batch job, created once and shown in the API like any job', async () => {
    const jobs = await platform.api('GET', '/jobs?job_type=notification_batch');
    expect(jobs.body.items).toMatchObject([{ name: 'notification delivery', user_id: 0, target: 'outbox', cron: '*/30 * * * *', enabled: true }]);
    const scheduler = new JobScheduler({ ...platform, logger: createLogger(platform.config, { role: 'test' }) });
    const again = await ensureDeliveryJob({ orm: platform.orm, scheduler, logger: createLogger(platform.config, { role: 'test' }) }, platform.config.notify);
    expect(again?.id).toBe(jobs.body.items[0].id);
    expect((await platform.api('GET', '/jobs?job_type=notification_batch')).body.items).toHaveLength(1);
    expect((await platform.api('GET', `/jobs/${again!.id}`)).body.schedule).toMatchObject({ paused: false });
    // Its runs are recorded like any job's.
    const run = await triggerAndWait(platform, again!.id);
    expect(run).toMatchObject({ status: 'COMPLETED', job_type: 'notification_batch', worker_id: expect.stringMatching(/^notifications@/) });
    expect(run.result).toMatchObject({ rounds: expect.any(Number), sent: expect.any(Number), failed: 0 });
  });

  it('delivers to healthy recipients while one that keeps failing backs off alone, then delivers it once it recovers', async () => {
    await inTransaction(platform.orm, (em) => putSetting(em, 21, 'webhook_url', `${receiver.url}/fail`).then(() => undefined));
    const failingKey = await alertFor(21);
    const healthyKeys = [await alertFor(22), await alertFor(23)];
    for (const key of healthyKeys) await sent(key);
    const waiting = await eventually(async () => {
      const row = await rowOf(failingKey);
      return row?.status === 'pending' && row.attempts >= 1 ? row : undefined;
    });
    expect(waiting.last_error).toContain('503');
    expect(waiting.next_attempt_at.getTime()).toBeGreaterThan(waiting.created_at.getTime());
    receiver.state.failing = false;
    const delivered = await sent(failingKey);
    expect(delivered.attempts).toBeGreaterThanOrEqual(2);
    expect(receiver.state.refused).toBe(delivered.attempts - 1);
    for (const key of [failingKey, ...healthyKeys]) expect(receiver.accepted.get(key), key).toBe(1);
  });

  it('writes one row per idempotency key, however often and concurrently the enqueue runs', async () => {
    const notification = { idempotency_key: 'replayed/notify', title: 'Replay', text: 'once', job_id: 1, user_id: 24, data: { n: 1 } };
    const results = await Promise.all(Array.from({ length: 5 }, () => enqueueNotification(platform.orm, platform.config.notify, notification)));
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(new Set(results.map((result) => result.row.id)).size).toBe(1);
    await kickDelivery(platform.temporal, createLogger(platform.config, { role: 'test' }));
    await sent('replayed/notify');
    await enqueueNotification(platform.orm, platform.config.notify, notification);
    expect(await inTransaction(platform.orm, (em) => em.count(Notification, { idempotency_key: 'replayed/notify' }))).toBe(1);
    expect(receiver.accepted.get('replayed/notify')).toBe(1);
  });

  it('takes over a claim whose delivery died before the channel took it, once its lease ran out', async () => {
    await inTransaction(platform.orm, (em) => {
      const row = addNotification(em, { idempotency_key: 'orphaned/notify', user_id: 25, job_id: null, channel: 'webhook', recipient: `${receiver.url}/hook`, title: 'Orphan', text: 'left claimed', body: {}, image_png: null, status: 'pending', next_attempt_at: new Date(Date.now() - 1_000) });
      Object.assign(row, { status: 'sending', claim_token: 'a-dead-worker' });
      return Promise.resolve();
    });
    await kickDelivery(platform.temporal, createLogger(platform.config, { role: 'test' }));
    expect((await sent('orphaned/notify')).attempts).toBe(1);
    expect(receiver.accepted.get('orphaned/notify')).toBe(1);
  });

  it("sends a user's notifications to their linked Telegram chat, a picture with sendPhoto, and never logs the token", async () => {
    await inTransaction(platform.orm, async (em) => {
      await putSetting(em, 31, 'notify_channel', 'telegram');
      await linkTelegramChat(em, 31, 555_001, 'trader', new Date());
    });
    const key = await alertFor(31);
    await sent(key);
    expect(telegram.delivered().filter((call) => call.chat_id === 555_001)).toMatchObject([{ method: 'sendMessage', token: TOKEN, text: expect.stringContaining('BTCUSDT is') }]);

    await enqueueNotification(platform.orm, platform.config.notify, { idempotency_key: 'report/notify', title: 'Report BTCUSDT', text: 'trend up', job_id: 2, user_id: 31, data: {}, image_png_base64: PNG });
    await kickDelivery(platform.temporal, createLogger(platform.config, { role: 'test' }));
    await sent('report/notify');
    const photo = telegram.delivered().find((call) => call.method === 'sendPhoto');
    expect(photo).toMatchObject({ chat_id: 555_001, caption: 'Report BTCUSDT\ntrend up' });
    expect(photo!.photo!.equals(Buffer.from(PNG, 'base64'))).toBe(true);
    expect(lines.join('\n')).not.toContain(TOKEN);
    expect(lines.join('\n')).not.toContain('AAE-very-secret');
  });

  it('waits out Telegram’s retry_after on 429, and stops for good at a chat that blocked the bot (403)', async () => {
    telegram.throttleNext(1, 2);
    const throttled = await alertFor(31);
    const waiting = await eventually(async () => {
      const row = await rowOf(throttled);
      return row?.status === 'pending' && row.attempts === 1 ? row : undefined;
    });
    expect(waiting.last_error).toContain('429');
    expect(waiting.next_attempt_at.getTime() - Date.now()).toBeGreaterThan(0);
    expect((await sent(throttled)).attempts).toBe(2);

    await inTransaction(platform.orm, async (em) => {
      await putSetting(em, 32, 'notify_channel', 'telegram');
      await linkTelegramChat(em, 32, 666_002, null, new Date());
    });
    telegram.blocked.add(666_002);
    const blocked = await alertFor(32);
    const failed = await eventually(async () => {
      const row = await rowOf(blocked);
      return row?.status === 'failed' ? row : undefined;
    });
    expect(failed).toMatchObject({ attempts: 1, last_error: expect.stringContaining('403') });
    expect(await inTransaction(platform.orm, (em) => em.findOne(TelegramUser, { user_id: 32 }))).toMatchObject({ blocked: true });
    // The next one is refused at the door: written failed, never sent.
    const next = await alertFor(32);
    expect(await rowOf(next)).toMatchObject({ status: 'failed', attempts: 0, last_error: 'the chat blocked the bot' });
    expect(telegram.calls.filter((call) => call.chat_id === 666_002)).toHaveLength(1);
    expect(lines.join('\n')).not.toContain(TOKEN);
  });
});
