import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeelError } from '../../lib/errors.ts';
import { createBinanceProvider } from '../../lib/marketData/binance.ts';
import { CircuitBreakers } from '../../lib/resilience.ts';
import { startFakeBinance, type FakeBinance } from '../helpers/fakeBinance.ts';

// Real HTTP against a Binance-format server on loopback, with injected faults.
describe('Binance market data provider', () => {
  let binance: FakeBinance;

  beforeAll(async () => {
    binance = await startFakeBinance({ BTCUSDT: '50150.00' });
  });

  afterAll(async () => {
    await binance?.close();
  });

  const provider = (breakers = new CircuitBreakers(), timeoutMs = 2_000) => createBinanceProvider({ baseUrl: `${binance.url}/`, timeoutMs, breakers });

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
    const closed = createBinanceProvider({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 1_000, breakers: new CircuitBreakers() });
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
    expect(breakers.snapshot()).toEqual([expect.objectContaining({ name: 'market_data', state: 'open', failure_count: 5, opened_at: expect.any(String), next_attempt_at: expect.any(String) })]);
  });

  it('does not let business errors open the circuit', async () => {
    const breakers = new CircuitBreakers();
    for (let i = 0; i < 6; i++) await expect(provider(breakers).getPrice('NOPE')).rejects.toMatchObject({ type: 'InvalidSymbol' });
    expect(breakers.snapshot()[0]).toMatchObject({ state: 'closed', failure_count: 0 });
  });
});
