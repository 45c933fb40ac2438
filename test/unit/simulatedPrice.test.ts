import { describe, expect, it } from 'vitest';
import { createSimulatedProvider, simulatedPrice } from '../../lib/marketData/simulated.ts';

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
});
