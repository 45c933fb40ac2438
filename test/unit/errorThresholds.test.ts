import { describe, expect, it } from 'vitest';
import { crossedThresholds, errorAlertKey, type ErrorMonitorConfig } from '../../lib/errorThresholds.ts';

// The seed's own monitoring settings.
const seed: ErrorMonitorConfig = { error_rate_threshold: 10, alert_cooldown: 300, severity_thresholds: { critical: 1, error: 5, warning: 20 } };

describe('crossedThresholds', () => {
  it('is empty while every count stays under its threshold', () => {
    expect(crossedThresholds({ error: 4, warning: 5 }, seed)).toEqual([]);
  });

  it('names each rule reached: one critical error, five errors, ten errors of any kind', () => {
    expect(crossedThresholds({ critical: 1 }, seed)).toEqual([{ rule: 'severity:critical', count: 1, threshold: 1 }]);
    expect(crossedThresholds({ error: 5, warning: 5 }, seed)).toEqual([
      { rule: 'error_rate', count: 10, threshold: 10 },
      { rule: 'severity:error', count: 5, threshold: 5 },
    ]);
  });
});

describe('errorAlertKey', () => {
  it('stays the same within one cooldown period and changes with the next', () => {
    const at = (iso: string) => errorAlertKey('severity:critical', new Date(iso), 300);
    expect(at('2026-12-01T10:00:00Z')).toBe(at('2026-12-01T10:04:59Z'));
    expect(at('2026-12-01T10:05:00Z')).not.toBe(at('2026-12-01T10:04:59Z'));
    expect(at('2026-12-01T10:00:00Z')).toMatch(/^error-monitor\/severity:critical\/\d+$/);
  });
});
