import { describe, expect, it } from 'vitest';
import { applyBreakerEvent, closedRecord, type BreakerConfig, type BreakerEvent, type BreakerRecord } from '../../lib/circuitBreakerState.ts';

const CONFIG: BreakerConfig = { failure_threshold: 3, failure_window: 10, recovery_timeout: 5, success_threshold: 2, half_open_max_calls: 1 };
const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000);
const run = (record: BreakerRecord, steps: [number, BreakerEvent][]) =>
  steps.reduce<{ record: BreakerRecord; granted: boolean[]; transitions: string[] }>(
    (acc, [second, event]) => {
      const step = applyBreakerEvent(acc.record, event, at(second), CONFIG);
      return { record: step.record, granted: [...acc.granted, step.granted], transitions: step.transition ? [...acc.transitions, step.transition] : acc.transitions };
    },
    { record, granted: [], transitions: [] },
  );
const failure: BreakerEvent = { kind: 'failure' };
const claim: BreakerEvent = { kind: 'claim' };

describe('circuit breaker state machine', () => {
  it('opens at failure_threshold failures within failure_window, and starts counting again after it', () => {
    const spread = run(closedRecord('x'), [[0, failure], [6, failure], [12, failure]]);
    // The window started at the first failure; the third fell after it, so the count starts again.
    expect(spread.record).toMatchObject({ state: 'closed', failure_count: 1, window_started_at: at(12) });
    const burst = run(closedRecord('x'), [[0, failure], [1, failure], [2, failure]]);
    expect(burst.record).toMatchObject({ state: 'open', failure_count: 3, opened_at: at(2), next_attempt_at: at(7) });
    expect(burst.transitions).toEqual(['open']);
  });

  it('refuses calls until recovery_timeout, then lets half_open_max_calls trials through and closes after success_threshold', () => {
    const open = run(closedRecord('x'), [[0, failure], [0, failure], [0, failure]]).record;
    const flow = run(open, [
      [4, claim],
      [5, claim],
      [5, claim],
      [6, { kind: 'trial_done', ok: true }],
      [6, claim],
      [7, { kind: 'trial_done', ok: true }],
      [7, claim],
    ]);
    expect(flow.granted).toEqual([false, true, false, false, true, false, true]);
    expect(flow.transitions).toEqual(['half_open', 'closed']);
    expect(flow.record).toEqual(closedRecord('x'));
  });

  it('opens again when a trial fails, with a new recovery time', () => {
    const open = run(closedRecord('x'), [[0, failure], [0, failure], [0, failure]]).record;
    const flow = run(open, [[5, claim], [6, { kind: 'trial_done', ok: false }], [8, claim]]);
    expect(flow.transitions).toEqual(['half_open', 'open']);
    expect(flow.record).toMatchObject({ state: 'open', next_attempt_at: at(11), trials_in_flight: 0 });
    expect(flow.granted).toEqual([true, false, false]);
  });

  it('holds a forced-open breaker open whatever the clock says, until forced closed', () => {
    const flow = run(closedRecord('x'), [[0, { kind: 'force', state: 'open' }], [1_000, claim], [1_000, failure], [1_001, { kind: 'force', state: 'closed' }], [1_002, claim]]);
    expect(flow.granted).toEqual([false, false, false, false, true]);
    expect(flow.transitions).toEqual(['open', 'closed']);
    expect(flow.record).toEqual(closedRecord('x'));
  });
});
