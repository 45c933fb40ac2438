import { describe, expect, it } from 'vitest';
import { RequestWeightLimiter } from '../../lib/marketData/requestWeights.ts';

function limiterAt(start: number, limitPerMinute = 10) {
  const clock = { now: start };
  return { clock, limiter: new RequestWeightLimiter({ limitPerMinute, now: () => clock.now }) };
}

describe('RequestWeightLimiter', () => {
  it('lets calls through until the minute’s weight is spent, then refuses until the next calendar minute', () => {
    const { clock, limiter } = limiterAt(Date.parse('2026-12-01T10:00:30Z'));
    for (let i = 0; i < 5; i++) expect(limiter.reserve(2)).toEqual({ ok: true });
    expect(limiter.reserve(2)).toEqual({ ok: false, retryAfterMs: 30_000 });
    clock.now = Date.parse('2026-12-01T10:01:00Z');
    expect(limiter.reserve(2)).toEqual({ ok: true });
  });

  it("takes the server's count when it is higher (other processes on the same IP)", () => {
    const { limiter } = limiterAt(Date.parse('2026-12-01T10:00:00Z'));
    limiter.observeUsedWeight(9);
    expect(limiter.reserve(2)).toMatchObject({ ok: false });
    expect(limiter.reserve(1)).toEqual({ ok: true });
    limiter.observeUsedWeight(Number.NaN);
    expect(limiter.reserve(1)).toMatchObject({ ok: false });
  });

  it('stops everything after a 429 or 418 until its Retry-After, even with weight to spare', () => {
    const { clock, limiter } = limiterAt(Date.parse('2026-12-01T10:00:00Z'));
    limiter.backOff(120_000);
    expect(limiter.reserve(1)).toEqual({ ok: false, retryAfterMs: 120_000 });
    clock.now += 119_000;
    expect(limiter.reserve(1)).toEqual({ ok: false, retryAfterMs: 1_000 });
    clock.now += 1_000;
    expect(limiter.reserve(1)).toEqual({ ok: true });
  });
});
