import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { JobSchedule } from '../../db/entities/index.ts';
import type { FireDecision } from '../../lib/fires/fireOutcome.ts';
import { createFireReporter } from '../../lib/fires/fireReporter.ts';
import { createLogger } from '../../lib/logger.ts';
import { createLogNotifier } from '../../lib/notify/logNotifier.ts';

const job = { id: 9, name: 'BTC over 50k', job_type: 'price_alert', user_id: 4 } as JobSchedule;
const fire = (second: number, outcome: FireDecision['outcome'], delay_ms: number | null = null): FireDecision => ({
  nominal_time: new Date(Date.UTC(2026, 11, 1, 9, 0, second)),
  outcome,
  reason: outcome === 'started' ? null : `why ${second}`,
  delay_ms,
  run_id: null,
});

function reporterWithClock() {
  const lines: Record<string, any>[] = [];
  const logger = createLogger({ app_env: 'test', log: { level: 'info' } }, {}, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, any>) });
  const registry = new Registry();
  const fires = new Counter({ name: 'fires', help: 'fires', labelNames: ['job_type', 'outcome'] as const, registers: [registry] });
  const lag = new Histogram({ name: 'lag', help: 'lag', labelNames: ['job_type'] as const, registers: [registry] });
  const clock = { now: 0 };
  const report = createFireReporter({ logger, notifier: createLogNotifier(logger), fires, lag, notifyIntervalMs: 60_000, now: () => clock.now });
  const notified = () => lines.filter((line) => line.notification).map((line) => line.notification as Record<string, any>);
  return { report, lines, registry, clock, notified };
}

describe('fire reports', () => {
  it('counts every fire, observes the lag of started ones, and logs the others', async () => {
    const { report, lines, registry } = reporterWithClock();
    await report(job, fire(0, 'started', 1_500));
    await report(job, fire(5, 'skipped_overlap'));
    const text = await registry.metrics();
    expect(text).toContain('fires{job_type="price_alert",outcome="started"} 1');
    expect(text).toContain('fires{job_type="price_alert",outcome="skipped_overlap"} 1');
    expect(text).toContain('lag_sum{job_type="price_alert"} 1.5');
    expect(lines.filter((line) => line.msg === 'a schedule fire did not start')).toEqual([
      expect.objectContaining({ level: 'warn', job_id: 9, outcome: 'skipped_overlap', reason: 'why 5', nominal_time: '2026-12-01T09:00:05.000Z' }),
    ]);
  });

  it('tells the owner at most once per interval per job, and the next message counts the fires left untold', async () => {
    const { report, clock, notified } = reporterWithClock();
    await report(job, fire(5, 'skipped_overlap'));
    await report(job, fire(10, 'skipped_overlap'));
    await report(job, fire(15, 'paused'));
    await report({ ...job, id: 10 }, fire(15, 'paused'));
    expect(notified().map((n) => [n.job_id, n.user_id, n.data.outcome])).toEqual([
      [9, 4, 'skipped_overlap'],
      [10, 4, 'paused'],
    ]);
    clock.now = 60_000;
    await report(job, fire(20, 'not_started'));
    expect(notified().at(-1)).toMatchObject({
      idempotency_key: 'fire-9-2026-12-01T09:00:20.000Z',
      title: 'Job "BTC over 50k" did not run at 2026-12-01T09:00:20.000Z: not_started',
      text: 'why 20 (and 2 earlier fire(s) of this job did not start either)',
    });
  });
});
