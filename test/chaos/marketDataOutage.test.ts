import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useAlertTestBed } from '../helpers/alertTestBed.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { eventually } from '../helpers/platform.ts';

const OUTAGE_MS = 20_000;
// Short enough that the breaker opens and half-opens several times within the outage.
const BREAKER = { failure_threshold: 2, failure_window: 60, recovery_timeout: 3, success_threshold: 1, half_open_max_calls: 1 };
// Retries every second, bounded by the market_data profile's minute (schedule-to-close), not by a count.
const RETRY = { strategy: 'fixed', base_delay: 1, max_attempts: 0, jitter: false };

/** The config dir with the short market_data breaker and retry policy layered over test.yaml. */
function configWithShortBreaker(): string {
  const dir = mkdtempSync(join(tmpdir(), 'keel-config-'));
  cpSync(join(import.meta.dirname, '..', '..', 'config'), dir, { recursive: true });
  const testYaml = readFileSync(join(dir, 'test.yaml'), 'utf8');
  writeFileSync(
    join(dir, 'test.yaml'),
    `${testYaml}\nerror_handling:\n  retry_policies: ${JSON.stringify({ market_data: RETRY })}\n  circuit_breakers: ${JSON.stringify({ market_data: BREAKER })}\n  circuit_breaker_sync_ms: 200\n`,
  );
  return dir;
}

interface Transition {
  error_type: 'CircuitOpened' | 'CircuitHalfOpen' | 'CircuitClosed';
  at: number;
}

describe.each(['sqlite', 'postgresql'] as const)('market data answering 500 for 20 s on %s', (db) => {
  const configDir = configWithShortBreaker();
  const bed = useAlertTestBed({ db, prices: { BTCUSDT: '50150.00' }, env: { CONFIG_DIR: configDir } });
  afterAll(() => rmSync(configDir, { recursive: true, force: true }));

  /** Every transition of the market_data breaker, oldest first, read through GET /errors page by page. */
  const transitions = async (): Promise<Transition[]> => {
    const all: Transition[] = [];
    for (let cursor: string | null = ''; cursor !== null; ) {
      const page = await bed.platform.api('GET', `/errors?component=circuit_breaker&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      for (const event of page.body.items) if (event.context?.breaker === 'market_data') all.push({ error_type: event.error_type, at: Date.parse(event.timestamp) });
      cursor = page.body.next_cursor;
    }
    return all.sort((a, b) => a.at - b.at);
  };

  it('completes the alert run, opens and closes the breaker, calls nothing while open and notifies once', async () => {
    const { binance, platform } = bed;
    binance.failNext(Number.MAX_SAFE_INTEGER, 500);
    const outageStart = Date.now();
    let outageEnd = Infinity;
    const recovery = setTimeout(() => {
      binance.failNext(0, 500);
      outageEnd = Date.now();
    }, OUTAGE_MS);

    try {
      const created = await platform.api('POST', '/jobs', priceAlertJob());
      expect(created.status).toBe(201);
      const trigger = await platform.api('POST', `/jobs/${created.body.id}/trigger`);
      expect(trigger.status).toBe(202);
      const run = await eventually(
        async () => {
          const seen = await platform.api('GET', `/runs/${trigger.body.run_id}`);
          return ['COMPLETED', 'FAILED'].includes(seen.body.status) ? seen.body : undefined;
        },
        { timeoutMs: 90_000 },
      );

      expect(run.status).toBe('COMPLETED');
      expect(run.result).toMatchObject({ alert_triggered: true, current_price: 50150, notification_sent: true });
      // The run outlived the outage: its price came after the fake recovered.
      expect(outageEnd).toBeLessThan(Infinity);
      expect(binance.arrivedAt.at(-1)!).toBeGreaterThanOrEqual(outageEnd);

      // Events are written in batches behind the caller: wait until the closing one is there.
      const seen = await eventually(async () => {
        const all = await transitions();
        return all.at(-1)?.error_type === 'CircuitClosed' ? all : undefined;
      });
      const opened = seen.filter((event) => event.error_type === 'CircuitOpened');
      const halfOpened = seen.filter((event) => event.error_type === 'CircuitHalfOpen');
      expect(opened.length).toBeGreaterThanOrEqual(2);
      expect(opened[0]!.at).toBeGreaterThanOrEqual(outageStart);
      // Each opening ends at the next half-open; between them the fake must have seen nothing.
      const openIntervals = opened.map((open) => ({ from: open.at, to: halfOpened.find((half) => half.at >= open.at)?.at ?? Infinity }));
      for (const { from, to } of openIntervals) {
        expect(to).toBeLessThan(Infinity);
        const inside = binance.arrivedAt.filter((at) => at > from && at < to);
        expect(inside, `calls while open from ${new Date(from).toISOString()} to ${new Date(to).toISOString()}`).toEqual([]);
      }
      // During the outage the fake saw the failures that opened the breaker and one trial per half-open, nothing more.
      const duringOutage = binance.arrivedAt.filter((at) => at < outageEnd);
      expect(duringOutage.length).toBeGreaterThanOrEqual(BREAKER.failure_threshold);
      expect(duringOutage.length).toBeLessThanOrEqual(BREAKER.failure_threshold + halfOpened.length);

      const breakers = await platform.api('GET', '/circuit-breakers');
      expect(breakers.body.find((breaker: any) => breaker.name === 'market_data')).toMatchObject({ state: 'closed' });

      // One notification, delivered once, through the outbox.
      const delivered = await bed.deliveredFor(run.workflow_id);
      expect(delivered).toHaveLength(1);
      const rows = await bed.notificationsOf(created.body.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: 'sent', attempts: 1, idempotency_key: `${run.workflow_id}/notify` });
      expect(bed.webhook.received).toHaveLength(1);
    } finally {
      clearTimeout(recovery);
    }
  });
});
