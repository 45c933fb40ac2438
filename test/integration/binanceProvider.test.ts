import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeelError } from '../../lib/errors.ts';
import { createBinanceProvider } from '../../lib/marketData/binance.ts';
import { RequestWeightLimiter } from '../../lib/marketData/requestWeights.ts';
import { CircuitBreakers } from '../../lib/resilience.ts';
import { binanceKlines, startFakeBinance, type FakeBinance } from '../helpers/fakeBinance.ts';

// Real HTTP against a Binance-format server on loopback, with injected faults.
describe('Binance market data provider', () => {
  let binance: FakeBinance;

  beforeAll(async () => {
    binance = await startFakeBinance({ BTCUSDT: '50150.00' }, { BTCUSDT: binanceKlines([100, 101.5, 99.25], { openClose: 100.75 }) });
  });

  afterAll(async () => {
    await binance?.close();
  });

  const roomy = () => new RequestWeightLimiter({ limitPerMinute: 6_000 });
  const provider = (breakers = new CircuitBreakers(), timeoutMs = 2_000, weights = roomy()) => createBinanceProvider({ baseUrl: `${binance.url}/`, timeoutMs, breakers, weights });

  it('reads the price as a number', async () => {
    const quote = await provider().getPrice('BTCUSDT');
    expect(quote).toMatchObject({ symbol: 'BTCUSDT', price: 50150 });
    expect(binance.requests.at(-1)).toBe('/api/v3/ticker/price?symbol=BTCUSDT');
  });

  it('reports an unknown symbol as a non-retryable InvalidSymbol', async () => {
    const error = await provider().getPrice('NOPE').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeelError);
    expect(error).toMatchObject({ type: 'InvalidSymbol', category: 'business', retryable: false });
    expect((error as Error).message).toContain('Invalid symbol.');
  });

  it('reports a server error as retryable', async () => {
    binance.failNext(1, 502);
    const error = await provider().getPrice('BTCUSDT').catch((e: unknown) => e);
    expect(error).toMatchObject({ type: 'ApiError', category: 'api', retryable: true, status: 502 });
  });

  it('reports an unreachable host as a retryable network error', async () => {
    const closed = createBinanceProvider({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 1_000, breakers: new CircuitBreakers(), weights: roomy() });
    const error = await closed.getPrice('BTCUSDT').catch((e: unknown) => e);
    expect(error).toMatchObject({ type: 'NetworkError', category: 'network', retryable: true });
  });

  it('opens the market_data circuit after five transient failures, then fails fast', async () => {
    const breakers = new CircuitBreakers();
    const client = provider(breakers);
    binance.failNext(5, 500);
    for (let i = 0; i < 5; i++) await expect(client.getPrice('BTCUSDT')).rejects.toMatchObject({ type: 'ApiError' });
    const asked = binance.requests.length;
    await expect(client.getPrice('BTCUSDT')).rejects.toMatchObject({ type: 'CircuitOpen', retryable: true });
    expect(binance.requests.length).toBe(asked);
    expect(await breakers.list()).toEqual([expect.objectContaining({ name: 'market_data', state: 'open', failure_count: 5, opened_at: expect.any(Date), next_attempt_at: expect.any(Date) })]);
  });

  it('does not let business errors open the circuit', async () => {
    const breakers = new CircuitBreakers();
    for (let i = 0; i < 6; i++) await expect(provider(breakers).getPrice('NOPE')).rejects.toMatchObject({ type: 'InvalidSymbol' });
    // Nothing was counted: the breaker has no record, which is CLOSED.
    expect(await breakers.list()).toEqual([]);
  });

  it("reads klines in Binance's array format as numbers, oldest first, asking for the interval and limit", async () => {
    const candles = await provider().getKlines('BTCUSDT', '1h', 3);
    expect(binance.requests.at(-1)).toBe('/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=3');
    expect(candles.map((c) => c.close)).toEqual([101.5, 99.25, 100.75]);
    expect(candles[0]).toEqual({ open_time: expect.any(Number), open: 101.5, high: 101.5, low: 101.5, close: 101.5, volume: 1, close_time: candles[0]!.open_time + 3_600_000 - 1 });
    expect(candles[2]!.close_time).toBeGreaterThan(Date.now());
  });

  it('reports klines of an unknown symbol as InvalidSymbol and an interval Binance does not have as InvalidInterval, neither retried', async () => {
    await expect(provider().getKlines('NOPE', '1h', 10)).rejects.toMatchObject({ type: 'InvalidSymbol', category: 'business', retryable: false });
    // The schema refuses such an interval before a job exists; this is Binance's own answer should one reach it.
    const error = await provider().getKlines('BTCUSDT', '7m' as '1h', 10).catch((e: unknown) => e);
    expect(error).toMatchObject({ type: 'InvalidInterval', category: 'business', retryable: false });
    expect((error as Error).message).toContain('Invalid interval.');
  });

  it('reports a kline request the server fails as retryable, and counts it towards the circuit', async () => {
    const breakers = new CircuitBreakers();
    binance.failNext(1, 503);
    await expect(provider(breakers).getKlines('BTCUSDT', '1h', 10)).rejects.toMatchObject({ type: 'ApiError', retryable: true, status: 503 });
    expect((await breakers.list())[0]).toMatchObject({ name: 'market_data', state: 'closed', failure_count: 1 });
  });

  it('reports klines that are not Binance arrays as a retryable MalformedResponse', async () => {
    binance.klines.set('BADUSDT', [[1, 'x']] as never);
    await expect(provider().getKlines('BADUSDT', '1h', 10)).rejects.toMatchObject({ type: 'MalformedResponse', retryable: true });
  });

  it("keeps under the request-weight budget: a call that does not fit is refused as RateLimited without reaching Binance", async () => {
    // Two price calls (weight 2 each) fit in 5; the third does not, whatever the minute.
    const client = provider(new CircuitBreakers(), 2_000, new RequestWeightLimiter({ limitPerMinute: 5, now: () => Date.parse('2026-12-01T10:00:00Z') }));
    await client.getPrice('BTCUSDT');
    await client.getPrice('BTCUSDT');
    const asked = binance.requests.length;
    await expect(client.getPrice('BTCUSDT')).rejects.toMatchObject({ type: 'RateLimited', retryable: true });
    expect(binance.requests.length).toBe(asked);
  });

  it('after a 429 sends nothing more until the back-off has passed', async () => {
    const client = provider();
    binance.failNext(1, 429);
    await expect(client.getPrice('BTCUSDT')).rejects.toMatchObject({ type: 'ApiError', status: 429, retryable: true });
    const asked = binance.requests.length;
    await expect(client.getKlines('BTCUSDT', '1h', 10)).rejects.toMatchObject({ type: 'RateLimited' });
    expect(binance.requests.length).toBe(asked);
  });

  it("takes Binance's own used-weight count (other processes on the IP) into its budget", async () => {
    const client = provider(new CircuitBreakers(), 2_000, new RequestWeightLimiter({ limitPerMinute: 10, now: () => Date.parse('2026-12-01T10:00:00Z') }));
    binance.reportUsedWeight(9);
    try {
      await client.getPrice('BTCUSDT');
      const asked = binance.requests.length;
      await expect(client.getPrice('BTCUSDT')).rejects.toMatchObject({ type: 'RateLimited' });
      expect(binance.requests.length).toBe(asked);
    } finally {
      binance.reportUsedWeight(null);
    }
  });
});
