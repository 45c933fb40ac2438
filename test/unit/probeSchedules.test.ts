import { describe, expect, it } from 'vitest';
import { isStaleProbe, newProbeScheduleId, STALE_PROBE_MS } from '../../lib/probeSchedules.ts';

describe('probe schedule IDs', () => {
  const now = Date.parse('2026-12-01T10:00:00Z');

  it('carry their creation time, so only a leftover is stale', () => {
    const fresh = newProbeScheduleId('cron', now);
    expect(fresh).toMatch(/^cron-probe-cron-\d{13}-[0-9a-f-]{36}$/);
    expect(isStaleProbe(fresh, now + STALE_PROBE_MS)).toBe(false);
    expect(isStaleProbe(fresh, now + STALE_PROBE_MS + 1)).toBe(true);
    expect(isStaleProbe(newProbeScheduleId('spec', now), now + STALE_PROBE_MS + 1)).toBe(true);
  });

  it('never judge a job schedule, or a probe named the old way (no time in it)', () => {
    expect(isStaleProbe('job-12', now)).toBe(false);
    expect(isStaleProbe('cron-probe-0b6f7d1e-5c3a-4c8e-9a0e-3f1f2b7c9d10', now)).toBe(false);
  });
});
