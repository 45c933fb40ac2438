import { afterAll, beforeAll, beforeEach } from 'vitest';
import { Notification } from '../../db/entities/index.ts';
import { inTransaction, type DatabaseKind } from '../../db/orm.ts';
import { startFakeBinance, type BinanceKline, type FakeBinance } from './fakeBinance.ts';
import { eventually, startTestPlatform, type TestPlatform } from './platform.ts';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from './webhookReceiver.ts';

export interface AlertTestBed {
  binance: FakeBinance;
  webhook: WebhookReceiver;
  platform: TestPlatform;
  /** Waits until the outbox delivered the notification of this run to the webhook; answers every POST it got for it. */
  deliveredFor(workflowId: string): Promise<ReceivedWebhook[]>;
  /** The outbox rows of a job: none means the job never notified. */
  notificationsOf(jobId: number): Promise<Notification[]>;
}

export interface AlertTestBedOptions {
  prices?: Record<string, string>;
  klines?: Record<string, BinanceKline[]>;
  db?: DatabaseKind;
  env?: Record<string, string>;
}

/**
 * The platform alert tests run against, set up once per file: a Binance-format server, a webhook receiver, and
 * workers for the alerts and notifications queues (alerts write the outbox, the notifications queue delivers it).
 * The fields are filled in beforeAll; the receiver is emptied before each test.
 */
export function useAlertTestBed(options: AlertTestBedOptions): AlertTestBed {
  const bed = {} as AlertTestBed;
  beforeAll(async () => {
    bed.binance = await startFakeBinance(options.prices ?? {}, options.klines ?? {});
    bed.webhook = await startWebhookReceiver();
    bed.platform = await startTestPlatform({
      db: options.db ?? 'sqlite',
      queues: ['alerts', 'notifications'],
      env: { MARKET_DATA_PROVIDER: 'binance', MARKET_DATA_BASE_URL: bed.binance.url, NOTIFY_CHANNEL: 'webhook', NOTIFY_WEBHOOK_URL: `${bed.webhook.url}/hook`, ...options.env },
    });
    bed.deliveredFor = async (workflowId) => {
      const key = `${workflowId}/notify`;
      const ofRun = () => bed.webhook.received.filter((hook) => hook.headers['idempotency-key'] === key);
      await eventually(() => inTransaction(bed.platform.orm, async (em) => ((await em.findOne(Notification, { idempotency_key: key }))?.status === 'sent' ? true : undefined)));
      return ofRun();
    };
    bed.notificationsOf = (jobId) => inTransaction(bed.platform.orm, (em) => em.find(Notification, { job_id: jobId }, { orderBy: { id: 'asc' } }));
  });

  afterAll(async () => {
    await bed.platform?.close();
    await bed.binance?.close();
    await bed.webhook?.close();
  });

  beforeEach(() => {
    if (bed.webhook) bed.webhook.received.length = 0;
  });
  return bed;
}
