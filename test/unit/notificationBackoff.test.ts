import { describe, expect, it } from 'vitest';
import { afterQuietHours, retryDelayMs } from '../../notifications/backoff.ts';

describe('outbox retry backoff', () => {
  it('doubles from 2 s up to 5 minutes, within ±20 %', () => {
    expect([1, 2, 3, 4].map((attempts) => retryDelayMs(attempts, () => 0.5))).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(retryDelayMs(30, () => 0.5)).toBe(300_000);
    expect(retryDelayMs(1, () => 0)).toBe(1_600);
    expect(retryDelayMs(1, () => 1)).toBe(2_400);
  });
});

describe('quiet hours', () => {
  const at = (iso: string) => new Date(iso);
  it('lets a notification out at once outside the window, and at its end inside it', () => {
    expect(afterQuietHours(at('2026-01-01T12:00:00Z'), 22, 7)).toEqual(at('2026-01-01T12:00:00Z'));
    expect(afterQuietHours(at('2026-01-01T23:30:00Z'), 22, 7)).toEqual(at('2026-01-02T07:00:00Z'));
    expect(afterQuietHours(at('2026-01-01T03:00:00Z'), 22, 7)).toEqual(at('2026-01-01T07:00:00Z'));
    expect(afterQuietHours(at('2026-01-01T13:15:00Z'), 13, 14)).toEqual(at('2026-01-01T14:00:00Z'));
    expect(afterQuietHours(at('2026-01-01T14:00:00Z'), 13, 14)).toEqual(at('2026-01-01T14:00:00Z'));
    expect(afterQuietHours(at('2026-01-01T14:00:00Z'), null, null)).toEqual(at('2026-01-01T14:00:00Z'));
  });
});
