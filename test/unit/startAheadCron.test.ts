import { describe, expect, it } from 'vitest';
import { hasFixedOffset, startAheadOf } from '../../lib/startAhead.ts';
import { expandField, startAheadCrons } from '../../lib/startAheadCron.ts';

// test/integration/startAheadCron.test.ts has the server check the moved times; these pin down the forms.
describe('startAheadCrons', () => {
  it('moves every minute to every minute at the lead’s second', () => {
    expect(startAheadCrons('* * * * *', 30_000)).toEqual(['30 * * * * * *']);
  });

  it('moves minute 0 into the hour before, and midnight into the day before by weekday', () => {
    expect(startAheadCrons('0 9-17 * * 1-5', 20_000)).toEqual(['40 59 8-16 * * 1-5 *']);
    expect(startAheadCrons('0 0 * * 1', 20_000)).toEqual(['40 59 23 * * 0 *']);
  });

  it('reads numbers, ranges, lists and steps, and nothing else', () => {
    expect(expandField('1-10/3,30', 0, 59)).toEqual([1, 4, 7, 10, 30]);
    expect(expandField('50/5', 0, 59)).toEqual([50, 55]);
    expect(expandField('MON', 0, 7)).toBeUndefined();
    expect(expandField('70', 0, 59)).toBeUndefined();
  });
});

describe('startAheadOf', () => {
  it('starts ahead only in a zone with one offset all year and without jitter', () => {
    expect(hasFixedOffset('UTC')).toBe(true);
    expect(hasFixedOffset('Asia/Kolkata')).toBe(true);
    expect(hasFixedOffset('America/New_York')).toBe(false);
    expect(hasFixedOffset('Mars/Olympus_Mons')).toBe(false);
    expect(startAheadOf({ cron: '* * * * *', timezone: 'UTC' }, 30_000)).toEqual({ crons: ['30 * * * * * *'], leadMs: 30_000 });
    expect(startAheadOf({ cron: '* * * * *', timezone: 'Europe/London' }, 30_000)).toBeUndefined();
    expect(startAheadOf({ cron: '* * * * *', timezone: 'UTC', jitter: 5 }, 30_000)).toBeUndefined();
    expect(startAheadOf({ cron: '* * * * *', timezone: 'UTC' }, 0)).toBeUndefined();
  });
});
