import { describe, expect, it } from 'vitest';
import { decideFires, type LedgerRun, type ScheduleFacts } from '../../lib/fires/fireOutcome.ts';

const t = (seconds: number) => new Date(Date.UTC(2026, 11, 1, 9, 0, seconds));
const now = t(100);
const options = { now, graceMs: 30_000, previousTime: t(0) };
const facts = (overrides: Partial<ScheduleFacts> = {}): ScheduleFacts => ({ overlap: 'skip', catchupWindowS: 60, pausedSince: null, pauseNote: null, recentActions: [], noRemainingActions: false, unrecordedMissedCatchup: 0, ...overrides });
const run = (run_id: number, overrides: Partial<LedgerRun> = {}): LedgerRun => ({
  run_id,
  workflow_id: `job-1-run-${run_id}`,
  status: 'COMPLETED',
  scheduled_for: null,
  enqueued_at: t(0),
  finished_at: t(1),
  error: null,
  ...overrides,
});

describe('decideFires', () => {
  it('settles a fire with its run as started, with the delay from nominal time to workflow start', () => {
    const decisions = decideFires([t(10)], [run(5, { scheduled_for: t(10), enqueued_at: new Date(t(10).getTime() + 420), finished_at: t(12) })], facts(), options);
    expect(decisions).toEqual([{ nominal_time: t(10), outcome: 'started', reason: null, delay_ms: 420, run_id: 5 }]);
  });

  it('takes the delay of a run started ahead of its fire from when it began its work, and waits while it has not', () => {
    const ahead = { scheduled_for: t(40), enqueued_at: t(10), finished_at: null, status: 'ENQUEUED' as const };
    const waiting = run(5, ahead);
    expect(decideFires([t(40)], [waiting], facts(), { ...options, now: t(45) })).toEqual([]);
    expect(decideFires([t(40)], [waiting], facts(), options)).toEqual([{ nominal_time: t(40), outcome: 'started', reason: null, delay_ms: null, run_id: 5 }]);
    const began = run(5, { ...ahead, status: 'RUNNING', started_at: new Date(t(40).getTime() + 35) });
    expect(decideFires([t(40)], [began], facts(), { ...options, now: t(41) })[0]).toMatchObject({ outcome: 'started', delay_ms: 35, run_id: 5 });
  });

  it('settles a fire whose run started ahead and was refused because its job was paused meanwhile as paused', () => {
    const refused = run(5, { scheduled_for: t(40), enqueued_at: t(10), status: 'CANCELLED', error: { type: 'JobPausedBeforeFire', message: 'job 1 was paused or deleted while this run waited for its fire time', non_retryable: true } });
    expect(decideFires([t(40)], [refused], facts(), options)).toEqual([{ nominal_time: t(40), outcome: 'paused', reason: 'job 1 was paused or deleted while this run waited for its fire time', delay_ms: null, run_id: 5 }]);
  });

  it('matches a jittered fire time with the run of its nominal time, which lies after the previous fire', () => {
    const decisions = decideFires([t(14), t(23)], [run(5, { scheduled_for: t(10), enqueued_at: t(14), finished_at: t(15) }), run(6, { scheduled_for: t(20), enqueued_at: t(23), finished_at: t(24) })], facts(), options);
    expect(decisions.map((decision) => [decision.run_id, decision.delay_ms])).toEqual([
      [5, 0],
      [6, 0],
    ]);
  });

  it('prefers the run of exactly this fire time over another started since the previous fire (a CLI trigger)', () => {
    const triggered = run(5, { workflow_id: 'job-1-2026-12-01T09:00:07Z', scheduled_for: t(7), enqueued_at: t(7), finished_at: t(8) });
    const fired = run(6, { workflow_id: 'job-1-2026-12-01T09:00:10Z', scheduled_for: t(10), enqueued_at: t(10), finished_at: t(11) });
    expect(decideFires([t(10)], [triggered, fired], facts(), { ...options, previousTime: t(5) })[0]).toMatchObject({ outcome: 'started', run_id: 6 });
  });

  it('records a run refused by max_instances as skipped_max_instances, with the refusal as reason', () => {
    const refused = run(7, { scheduled_for: t(10), enqueued_at: t(10), status: 'CANCELLED', error: { type: 'MaxInstancesReached', message: 'job 1 already had 1 run(s) going (max_instances 1)', non_retryable: true } });
    expect(decideFires([t(10)], [refused], facts(), options)).toEqual([{ nominal_time: t(10), outcome: 'skipped_max_instances', reason: 'job 1 already had 1 run(s) going (max_instances 1)', delay_ms: 0, run_id: 7 }]);
  });

  it('never counts a manual trigger as the run of a fire', () => {
    const manual = run(8, { workflow_id: 'job-1-manual-2026-12-01T09:00:10.000Z-abcd', scheduled_for: t(10), enqueued_at: t(10), finished_at: null, status: 'RUNNING' });
    expect(decideFires([t(10)], [manual], facts(), options)[0]).toMatchObject({ outcome: 'not_started', run_id: null });
  });

  it('waits for a fire within the grace, and settles nothing after it so the ledger has no gap', () => {
    expect(decideFires([t(50), t(60), t(80)], [], facts(), options).map((decision) => decision.nominal_time)).toEqual([t(50), t(60)]);
  });

  it('settles a fire of a paused schedule as paused at once, with the note, but not one from before the pause', () => {
    const decisions = decideFires([t(30), t(90)], [], facts({ pausedSince: t(40), pauseNote: 'maintenance' }), options);
    expect(decisions).toEqual([
      { nominal_time: t(30), outcome: 'not_started', reason: 'the server took no action for this fire within 30 s', delay_ms: null, run_id: null },
      { nominal_time: t(90), outcome: 'paused', reason: 'the schedule was paused: maintenance', delay_ms: null, run_id: null },
    ]);
  });

  it('waits while the server says it acted on a fire whose run is not recorded yet', () => {
    expect(decideFires([t(10)], [], facts({ recentActions: [{ scheduledAt: t(10), takenAt: t(11), workflowId: 'job-1-x' }] }), options)).toEqual([]);
  });

  it('records a fire without a run while a scheduled run was going as skipped_overlap', () => {
    const going = run(3, { scheduled_for: t(5), enqueued_at: t(5), finished_at: t(40) });
    expect(decideFires([t(5), t(10)], [going], facts(), { ...options, previousTime: t(4) })[1]).toEqual({
      nominal_time: t(10),
      outcome: 'skipped_overlap',
      reason: 'run 3 (job-1-run-3) was still going; overlap policy skip',
      delay_ms: null,
      run_id: null,
    });
  });

  it('with a buffering policy waits until the run in the way has ended and the grace has passed: the fire may yet start', () => {
    // The fire at 5 s is settled already; the one at 10 s is in question.
    const after5 = { ...options, previousTime: t(5) };
    const stillGoing = run(3, { scheduled_for: t(5), enqueued_at: t(5), finished_at: null, status: 'RUNNING' });
    expect(decideFires([t(10)], [stillGoing], facts({ overlap: 'buffer_one' }), after5)).toEqual([]);
    const justEnded = run(3, { scheduled_for: t(5), enqueued_at: t(5), finished_at: t(90) });
    expect(decideFires([t(10)], [justEnded], facts({ overlap: 'buffer_one' }), after5)).toEqual([]);
    const longEnded = run(3, { scheduled_for: t(5), enqueued_at: t(5), finished_at: t(60) });
    expect(decideFires([t(10)], [longEnded], facts({ overlap: 'buffer_one' }), after5)[0]?.outcome).toBe('skipped_overlap');
  });

  it('gives missed_catchup to as many silent fires as the server counted missed and the ledger has not yet recorded', () => {
    const decisions = decideFires([t(10), t(20), t(30)], [], facts({ unrecordedMissedCatchup: 2 }), options);
    expect(decisions.map((decision) => decision.outcome)).toEqual(['missed_catchup', 'missed_catchup', 'not_started']);
    expect(decisions[0]!.reason).toBe('the server reached this fire after its catch-up window of 60 s had passed');
  });

  it('says a silent fire came after the schedule used up its remaining actions', () => {
    expect(decideFires([t(10)], [], facts({ noRemainingActions: true }), options)[0]?.reason).toBe('the server took no action for this fire within 30 s (the schedule had used up its remaining_actions)');
  });
});
