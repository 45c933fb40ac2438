import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessError, KeelError, networkError } from '../../lib/errors.ts';
import { createBinanceProvider } from '../../lib/marketData/binance.ts';
import { withLastKnownPrice } from '../../lib/marketData/lastKnownPrice.ts';
import { RequestWeightLimiter } from '../../lib/marketData/requestWeights.ts';
import { recoveryFor } from '../../lib/recovery.ts';
import { CircuitBreakers } from '../../lib/resilience.ts';
import { startFakeBinance, type FakeBinance } from '../helpers/fakeBinance.ts';

const MAX_AGE_MS = 60_000;

describe('the fallback recovery: the last known price', () => {
  let binance: FakeBinance;
  beforeAll(async () => {
    binance = await startFakeBinance({ BTCUSDT: '50150.00', ETHUSDT: '3000.00' });
  });
  afterAll(async () => {
    await binance?.close();
  });

  it('registers one strategy per error: fallback for an open circuit or a full bulkhead, retry for other transient errors, fail for business ones', () => {
    const circuitOpen = new KeelError('circuit market_data is open', { category: 'network', type: 'CircuitOpen', retryable: true });
    expect(recoveryFor(circuitOpen)).toBe('fallback');
    expect(recoveryFor(networkError('reset'))).toBe('retry');
    expect(recoveryFor(businessError('InvalidSymbol', 'no'))).toBe('fail');
  });

  it('answers the last quote, marked stale, while the breaker is open and it is young enough; otherwise the error stands', async () => {
    let now = Date.now();
    const breakers = new CircuitBreakers({ configs: { market_data: { failure_threshold: 2, failure_window: 60, recovery_timeout: 600, success_threshold: 1, half_open_max_calls: 1 } } });
    const binanceProvider = createBinanceProvider({ baseUrl: `${binance.url}/`, timeoutMs: 2_000, breakers, weights: new RequestWeightLimiter({ limitPerMinute: 6_000 }) });
    const provider = withLastKnownPrice(binanceProvider, MAX_AGE_MS, () => now);

    const fresh = await provider.getPrice('BTCUSDT');
    expect(fresh).toMatchObject({ symbol: 'BTCUSDT', price: 50150 });
    expect(fresh.stale).toBeUndefined();

    // A failing dependency is retried (Temporal's job), not replaced: the error stands until the breaker opens.
    binance.failNext(2, 500);
    for (let i = 0; i < 2; i++) await expect(provider.getPrice('BTCUSDT')).rejects.toMatchObject({ type: 'ApiError' });
    expect(breakers.stateOf('market_data')).toBe('open');

    const asked = binance.requests.length;
    expect(await provider.getPrice('BTCUSDT')).toEqual({ ...fresh, stale: true });
    expect(binance.requests.length).toBe(asked);
    // No quote of this symbol was ever seen: nothing to fall back to.
    await expect(provider.getPrice('ETHUSDT')).rejects.toMatchObject({ type: 'CircuitOpen' });
    // Older than the bound: the open circuit's error stands, and Temporal waits for the half-open.
    now = Date.parse(fresh.at) + MAX_AGE_MS + 1;
    await expect(provider.getPrice('BTCUSDT')).rejects.toMatchObject({ type: 'CircuitOpen', retryable: true });
  });
});
