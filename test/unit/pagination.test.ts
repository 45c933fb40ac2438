import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, toPage } from '../../db/pagination.ts';

describe('cursors', () => {
  it('round-trip ids and reject what they did not make', () => {
    expect(decodeCursor(encodeCursor(123))).toBe(123);
    expect(decodeCursor('zzz')).toBeUndefined();
    expect(decodeCursor(Buffer.from('-4').toString('base64url'))).toBeUndefined();
  });

  it('give a next cursor only when there is more', () => {
    expect(toPage([1, 2, 3], 2, (n) => n)).toEqual({ items: [1, 2], next_cursor: encodeCursor(2) });
    expect(toPage([1, 2], 2, (n) => n)).toEqual({ items: [1, 2], next_cursor: null });
  });
});
