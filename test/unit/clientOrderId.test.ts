import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLIENT_ORDER_ID, clientOrderIdOf } from '../../lib/exchange/clientOrderId.ts';

describe('clientOrderIdOf', () => {
  it('is readable when it fits: job, fire time in epoch seconds, leg', () => {
    expect(clientOrderIdOf({ job_id: 7, fire: new Date('2026-01-01T00:00:00Z'), leg: 'entry' })).toBe('k7-1767225600-entry');
  });

  it('hashes what does not fit or has characters Binance refuses, into 36 allowed characters', () => {
    const long = clientOrderIdOf({ job_id: 123_456, fire: 'job-123456-manual-2026-01-01T00:00:00.000Z-0a1b2c3d', leg: 'entry' });
    expect(long).toMatch(/^kh-[A-Za-z0-9_-]{33}$/);
    expect(clientOrderIdOf({ job_id: 1, fire: 'a b', leg: 'entry' })).toMatch(/^kh-/);
    // A trigger ID is always hashed: `k1-2-3-x` could be (fire 2, leg 3-x) or (fire 2-3, leg x).
    expect(clientOrderIdOf({ job_id: 1, fire: '2-3', leg: 'x' })).not.toBe(clientOrderIdOf({ job_id: 1, fire: '2', leg: '3-x' }));
  });

  it('is the same for the same origin and different for any other, always within Binance’s rules', () => {
    const origin = fc.record({ job_id: fc.integer({ min: 1, max: 2_147_483_647 }), fire: fc.oneof(fc.date({ noInvalidDate: true }), fc.string({ minLength: 1, maxLength: 80 }), fc.stringMatching(/^\d{1,12}$/)), leg: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/) });
    fc.assert(
      fc.property(origin, origin, (a, b) => {
        const [idA, idB] = [clientOrderIdOf(a), clientOrderIdOf(b)];
        expect(idA).toMatch(CLIENT_ORDER_ID);
        expect(clientOrderIdOf({ ...a })).toBe(idA);
        const fireOf = (fire: Date | string) => (fire instanceof Date ? `t${Math.floor(fire.getTime() / 1000)}` : `s${fire}`);
        const same = a.job_id === b.job_id && a.leg === b.leg && fireOf(a.fire) === fireOf(b.fire);
        if (!same) expect(idA).not.toBe(idB);
      }),
    );
  });
});
