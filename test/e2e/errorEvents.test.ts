import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBinance, type FakeBinance } from '../helpers/fakeBinance.ts';
import { priceAlertJob } from '../helpers/jobs.ts';
import { eventually, startTestPlatform, triggerAndWait, type TestPlatform } from '../helpers/platform.ts';

// ErrorEvents as an operator meets them: a failed run links to its event, activity failures are there too, by component.
describe.each(['sqlite', 'postgresql'] as const)('error events on %s', (db) => {
  let binance: FakeBinance;
  let platform: TestPlatform;

  beforeAll(async () => {
    binance = await startFakeBinance({ BTCUSDT: '50150.00' });
    platform = await startTestPlatform({ db, queues: ['alerts'], env: { MARKET_DATA_PROVIDER: 'binance', MARKET_DATA_BASE_URL: binance.url } });
  });

  afterAll(async () => {
    await platform?.close();
    await binance?.close();
  });

  it('links a failed run to its ErrorEvent, lists events by component and severity, and resolves one', async () => {
    const created = await platform.api('POST', '/jobs', priceAlertJob({ target: 'NOPEUSDT' }));
    const run = await triggerAndWait(platform, created.body.id);
    expect(run.status).toBe('FAILED');
    expect(run.error.event_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const runEvent = await eventually(async () => {
      const page = await platform.api('GET', '/errors?component=price_alert');
      return page.body.items.find((event: any) => event.event_id === run.error.event_id);
    });
    expect(runEvent).toMatchObject({ severity: 'error', error_type: 'InvalidSymbol', user_id: 7, resolved: false, resolution_time: null, context: { run_id: run.run_id, job_id: created.body.id } });
    expect(Date.parse(runEvent.timestamp)).not.toBeNaN();

    // The activity's own failure, classified: a business error is a warning, with the stack where it was thrown.
    const activityEvents = await platform.api('GET', '/errors?component=market_data&severity=warning');
    expect(activityEvents.status).toBe(200);
    expect(activityEvents.body.items).toEqual([
      expect.objectContaining({ component: 'market_data', severity: 'warning', error_type: 'InvalidSymbol', stack_trace: expect.stringContaining('InvalidSymbol'), context: expect.objectContaining({ attempt: 1, workflow_id: run.workflow_id }) }),
    ]);
    expect((await platform.api('GET', '/errors?component=market_data&severity=critical')).body.items).toEqual([]);

    const resolved = await platform.api('POST', `/errors/${runEvent.event_id}/resolve`);
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ event_id: runEvent.event_id, resolved: true });
    const again = await platform.api('POST', `/errors/${runEvent.event_id}/resolve`);
    expect(again.body.resolution_time).toBe(resolved.body.resolution_time);
    expect((await platform.api('GET', '/errors?resolved=false&component=price_alert')).body.items).toEqual([]);
  });

  it('pages newest first with an opaque cursor', async () => {
    for (let i = 0; i < 3; i++) {
      const created = await platform.api('POST', '/jobs', priceAlertJob({ target: `NOPE${i}USDT` }));
      await triggerAndWait(platform, created.body.id);
    }
    const all = await eventually(async () => {
      const page = await platform.api('GET', '/errors?component=price_alert&limit=200');
      return page.body.items.length >= 4 ? page.body.items : undefined;
    });
    const timestamps = all.map((event: any) => Date.parse(event.timestamp));
    expect(timestamps).toEqual([...timestamps].sort((a, b) => b - a));

    const first = await platform.api('GET', '/errors?component=price_alert&limit=3');
    expect(first.body.items).toEqual(all.slice(0, 3));
    const second = await platform.api('GET', `/errors?component=price_alert&limit=3&cursor=${first.body.next_cursor}`);
    expect(second.body.items).toEqual(all.slice(3, 6));
  });

  it('shows the shared circuit breakers, lets an admin force one open and closed, and exposes their state as metrics', async () => {
    const listed = await platform.api('GET', '/circuit-breakers');
    expect(listed.status).toBe(200);
    expect(listed.body.map((breaker: any) => breaker.name)).toEqual(['exchange', 'market_data', 'telegram', 'webhook']);
    expect(listed.body[1]).toEqual({ name: 'market_data', state: 'closed', failure_count: 0, opened_at: null, next_attempt_at: null, forced: false });

    const forced = await platform.api('POST', '/circuit-breakers/market_data', { state: 'open' });
    expect(forced.status).toBe(200);
    expect(forced.body).toMatchObject({ name: 'market_data', state: 'open', forced: true, next_attempt_at: null });
    expect(Date.parse(forced.body.opened_at)).not.toBeNaN();
    expect((await platform.api('GET', '/circuit-breakers')).body[1]).toMatchObject({ state: 'open' });
    const metrics = await (await fetch(`${platform.apiUrl}/metrics`)).text();
    expect(metrics).toContain('keel_circuit_breaker_state{name="market_data"} 2');
    const opened = await platform.api('GET', '/errors?component=circuit_breaker');
    expect(opened.body.items[0]).toMatchObject({ error_type: 'CircuitOpened', severity: 'error', context: { breaker: 'market_data', forced: true } });

    expect((await platform.api('POST', '/circuit-breakers/market_data', { state: 'closed' })).body).toMatchObject({ state: 'closed', forced: false });
    const badState = await platform.api('POST', '/circuit-breakers/market_data', { state: 'half_open' });
    expect(badState.status).toBe(422);
    expect(badState.body.errors).toEqual([expect.objectContaining({ path: 'state' })]);
    expect((await platform.api('POST', '/circuit-breakers/nope', { state: 'open' })).status).toBe(404);
  });

  it('refuses bad filters and unknown events with problems naming the field', async () => {
    const badSeverity = await platform.api('GET', '/errors?severity=fatal');
    expect(badSeverity.status).toBe(422);
    expect(badSeverity.body.errors).toEqual([expect.objectContaining({ path: 'severity' })]);
    expect((await platform.api('GET', '/errors?cursor=bm90LWEtY3Vyc29y')).body.errors).toEqual([expect.objectContaining({ path: 'cursor' })]);
    expect((await platform.api('POST', '/errors/not-a-uuid/resolve')).status).toBe(422);
    expect((await platform.api('POST', '/errors/0190a000-0000-7000-8000-000000000000/resolve')).status).toBe(404);
  });
});
