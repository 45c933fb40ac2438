import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorSeverity } from '../../db/entities/index.ts';
import { Notification } from '../../db/entities/index.ts';
import { inTransaction, initORM, migrate, type Orm } from '../../db/orm.ts';
import { loadConfig, type Config } from '../../lib/config.ts';
import { checkErrorRates, type ErrorMonitorDeps } from '../../lib/errorMonitor.ts';
import { ErrorEventRecorder, newEventId } from '../../lib/errorEvents.ts';
import { createLogger } from '../../lib/logger.ts';
import { createApiMetrics, type ApiMetrics } from '../../lib/metrics.ts';
import { enqueueNotification } from '../../notifications/outbox.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/databases.ts';

const config = loadConfig({ CONFIG_DIR: join(import.meta.dirname, '..', '..', 'config') });
const MONITORING: Config['error_handling']['monitoring'] = { ...config.error_handling.monitoring, alert_user_id: 42 };
const COOLDOWN_MS = MONITORING.alert_cooldown * 1000;
const silent = createLogger({ app_env: 'test', log: { level: 'silent' } });

// Two API processes are two ORMs on one database, each with its own monitor and metrics: alerts must go out once.
describe.each(DATABASE_KINDS)('error monitor on %s', (kind) => {
  let database: TestDatabase;
  let orms: Orm[];
  let metrics: ApiMetrics[];
  let events: ErrorEventRecorder;

  const monitorOf = (index: number): ErrorMonitorDeps => ({
    orm: orms[index]!,
    logger: silent,
    config: MONITORING,
    alerts: { send: (notification) => enqueueNotification(orms[index]!, config.notify, notification).then(({ created }) => ({ queued: created })) },
    metrics: metrics[index]!,
  });
  const record = (severity: ErrorSeverity, count: number, atMs: number) => {
    for (let i = 0; i < count; i += 1) events.record({ component: 'test', severity, message: `${severity} ${i}`, event_id: newEventId(atMs) });
  };
  const alertRows = () => inTransaction(orms[0]!, (em) => em.find(Notification, { idempotency_key: { $like: 'error-monitor/%' } }, { orderBy: { id: 'asc' } }));
  const alertsCounted = async (rule: string) => {
    let total = 0;
    for (const m of metrics) total += (await m.errorAlerts.get()).values.find((value) => value.labels.rule === rule)?.value ?? 0;
    return total;
  };

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    orms = [await initORM({ url: database.url }), await initORM({ url: database.url })];
    await migrate(orms[0]!);
    metrics = orms.map((orm) => createApiMetrics(orm));
    events = new ErrorEventRecorder(orms[0]!, silent);
  });

  afterAll(async () => {
    await events?.close();
    for (const orm of orms ?? []) await orm.close();
    await database?.drop();
  });

  it('counts the last minute by severity, and sends one alert per crossed rule per cooldown whichever process sees it', async () => {
    // The start of a cooldown period, a little in the future so no other event of this database falls in the window.
    const start = (Math.floor(Date.now() / COOLDOWN_MS) + 1) * COOLDOWN_MS + 1_000;
    record('critical', 1, start - 30_000);
    record('error', 5, start - 30_000);
    record('warning', 4, start - 30_000);
    // Older than a minute: had these counted, severity:warning (20) would be crossed too.
    record('warning', 19, start - 90_000);
    await events.flush();

    const crossed = await checkErrorRates(monitorOf(0), new Date(start));
    expect(crossed.map((rule) => rule.rule).sort()).toEqual(['error_rate', 'severity:critical', 'severity:error']);
    expect(crossed.find((rule) => rule.rule === 'error_rate')?.count).toBe(10);
    // Later passes of both processes within the same cooldown see the same crossing and queue nothing new.
    await checkErrorRates(monitorOf(1), new Date(start + 10_000));
    await checkErrorRates(monitorOf(0), new Date(start + 20_000));

    const rows = await alertRows();
    expect(rows.map((row) => row.idempotency_key).sort()).toEqual(
      ['error_rate', 'severity:critical', 'severity:error'].map((rule) => `error-monitor/${rule}/${Math.floor(start / COOLDOWN_MS)}`).sort(),
    );
    expect(rows.every((row) => row.user_id === 42 && row.status === 'pending')).toBe(true);
    for (const rule of ['error_rate', 'severity:critical', 'severity:error']) expect(await alertsCounted(rule)).toBe(1);
    const rate = (await metrics[0]!.errorRatePerMinute.get()).values;
    expect(Object.fromEntries(rate.map((value) => [value.labels.severity, value.value]))).toEqual({ critical: 1, error: 5, warning: 4, info: 0, all: 10 });

    // The next cooldown period: a new critical error is alerted again, once.
    const next = start + COOLDOWN_MS;
    record('critical', 1, next - 5_000);
    await events.flush();
    expect((await checkErrorRates(monitorOf(1), new Date(next))).map((rule) => rule.rule)).toEqual(['severity:critical']);
    await checkErrorRates(monitorOf(0), new Date(next + 10_000));
    const after = await alertRows();
    expect(after).toHaveLength(4);
    expect(after.filter((row) => row.idempotency_key.startsWith('error-monitor/severity:critical/'))).toHaveLength(2);
    expect(await alertsCounted('severity:critical')).toBe(2);
  });
});
