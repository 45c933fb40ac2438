import { describe, expect, it } from 'vitest';
import { createSimulatedProvider, simulatedKlines, simulatedPrice } from '../../lib/marketData/simulated.ts';

describe('simulated market data', () => {
  const at = Date.parse('2026-11-27T10:15:30Z');

  it('is a pure function of symbol and minute', () => {
    expect(simulatedPrice('BTCUSDT', at)).toBe(simulatedPrice('BTCUSDT', at + 29_000));
    expect(simulatedPrice('BTCUSDT', at)).not.toBe(simulatedPrice('ETHUSDT', at));
  });

  it('stays within 2% of the base price', () => {
    for (let minute = 0; minute < 120; minute++) {
      const price = simulatedPrice('BTCUSDT', at + minute * 60_000);
      expect(price).toBeGreaterThanOrEqual(49_000);
      expect(price).toBeLessThanOrEqual(51_000);
    }
  });

  it('answers quotes from an injected clock', async () => {
    const quote = await createSimulatedProvider(() => at).getPrice('SOLUSDT');
    expect(quote).toEqual({ symbol: 'SOLUSDT', price: simulatedPrice('SOLUSDT', at), at: '2026-11-27T10:15:30.000Z' });
  });

  it('draws klines from the same prices: aligned, oldest first, the open one closing at the current price', () => {
    const candles = simulatedKlines('BTCUSDT', '1h', 3, at);
    expect(candles.map((c) => new Date(c.open_time).toISOString())).toEqual(['2026-11-27T08:00:00.000Z', '2026-11-27T09:00:00.000Z', '2026-11-27T10:00:00.000Z']);
    expect(candles[0]!.close_time).toBe(candles[1]!.open_time - 1);
    expect(candles[2]!.close).toBe(simulatedPrice('BTCUSDT', at));
    for (const c of candles) {
      expect(c.low).toBeLessThanOrEqual(Math.min(c.open, c.close));
      expect(c.high).toBeGreaterThanOrEqual(Math.max(c.open, c.close));
    }
    expect(simulatedKlines('BTCUSDT', '1w', 1, at)[0]!.open_time).toBe(Date.parse('2026-11-23T00:00:00Z'));
    expect(simulatedKlines('BTCUSDT', '1M', 2, at).map((c) => new Date(c.open_time).toISOString())).toEqual(['2026-10-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z']);
    expect(simulatedKlines('BTCUSDT', '1M', 1, at)[0]!.close_time).toBe(Date.parse('2026-12-01T00:00:00Z') - 1);
    // Hourly and longer candles do not all close alike, or every indicator on them would be flat.
    for (const interval of ['1h', '4h', '1d', '1w', '1M'] as const) expect(new Set(simulatedKlines('BTCUSDT', interval, 30, at).map((c) => c.close)).size, interval).toBeGreaterThan(20);
  });
});
