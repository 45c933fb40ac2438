import { describe, expect, it } from 'vitest';
import { overdueFireOf } from '../../lib/scheduleLiveness.ts';

const now = new Date('2026-12-01T10:00:00Z');
const at = (iso: string) => new Date(iso);

describe('overdueFireOf', () => {
  it('is null while the next fire is ahead, or behind by no more than the grace', () => {
    expect(overdueFireOf({ paused: false, nextActionTimes: [at('2026-12-01T10:01:00Z')] }, now, 60_000)).toBeNull();
    expect(overdueFireOf({ paused: false, nextActionTimes: [at('2026-12-01T09:59:00Z')] }, now, 60_000)).toBeNull();
  });

  it('names the fire time once it is behind by more than the grace', () => {
    expect(overdueFireOf({ paused: false, nextActionTimes: [at('2026-12-01T09:58:59Z'), at('2026-12-01T10:00:00Z')] }, now, 60_000)).toEqual(at('2026-12-01T09:58:59Z'));
  });

  it("allows the job's jitter on top of the grace", () => {
    expect(overdueFireOf({ paused: false, nextActionTimes: [at('2026-12-01T09:58:30Z')] }, now, 60_000, 60_000)).toBeNull();
    expect(overdueFireOf({ paused: false, nextActionTimes: [at('2026-12-01T09:57:59Z')] }, now, 60_000, 60_000)).toEqual(at('2026-12-01T09:57:59Z'));
  });

  it('never judges a paused schedule, or one with no fire left', () => {
    expect(overdueFireOf({ paused: true, nextActionTimes: [at('2026-12-01T09:00:00Z')] }, now, 60_000)).toBeNull();
    expect(overdueFireOf({ paused: false, nextActionTimes: [] }, now, 60_000)).toBeNull();
  });
});
