import { describe, expect, it } from 'vitest';
import { fireTimeOf } from '../../workflows/fireTime.ts';

describe('fireTimeOf', () => {
  const at = (iso: string) => new Date(iso);

  it('is the scheduled start of a schedule that fires on time', () => {
    expect(fireTimeOf(at('2026-12-01T09:00:00Z'), undefined)).toEqual(at('2026-12-01T09:00:00Z'));
  });

  it('is the whole minute a run started ahead waits for', () => {
    expect(fireTimeOf(at('2026-12-01T08:59:30Z'), 30_000)).toEqual(at('2026-12-01T09:00:00Z'));
    expect(fireTimeOf(at('2026-12-31T23:59:01Z'), 59_000)).toEqual(at('2027-01-01T00:00:00Z'));
  });

  it('is the start itself for a start at any other moment (a CLI trigger)', () => {
    expect(fireTimeOf(at('2026-12-01T08:59:31.250Z'), 30_000)).toEqual(at('2026-12-01T08:59:31.250Z'));
  });
});
