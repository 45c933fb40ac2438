import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { CompensationStack, compensationKey, describeError } from '../../workflows/compensationStack.ts';
import { compensationsOf } from '../../workflows/saga.ts';

// Saga's bookkeeping; the workflow API parts (non-cancellable scope, workflow ID) are in test/integration/saga.test.ts.
describe('CompensationStack', () => {
  /** A stack with steps 1..n claimed and pushed, whose undos log their step (and throw for `failing`). */
  const stackOf = (steps: string[], failing: string[] = []) => {
    const ran: string[] = [];
    const stack = new CompensationStack();
    for (const step of steps) {
      stack.claim(step);
      stack.push(step, () => {
        ran.push(step);
        return failing.includes(step) ? Promise.reject(new Error(`cannot undo ${step}`)) : Promise.resolve();
      });
    }
    return { stack, ran };
  };

  it('unwinds newest first and records each compensation', async () => {
    const { stack, ran } = stackOf(['reserve', 'order', 'record']);
    expect(await stack.unwind()).toEqual([
      { step: 'record', status: 'compensated' },
      { step: 'order', status: 'compensated' },
      { step: 'reserve', status: 'compensated' },
    ]);
    expect(ran).toEqual(['record', 'order', 'reserve']);
  });

  it('records a failing compensation and still runs the older ones', async () => {
    const { stack, ran } = stackOf(['a', 'b', 'c'], ['b']);
    expect(await stack.unwind()).toEqual([
      { step: 'c', status: 'compensated' },
      { step: 'b', status: 'failed', error: 'cannot undo b' },
      { step: 'a', status: 'compensated' },
    ]);
    expect(ran).toEqual(['c', 'b', 'a']);
  });

  it('runs each compensation once, however often it is unwound', async () => {
    const { stack, ran } = stackOf(['a', 'b']);
    await stack.unwind();
    expect(await stack.unwind()).toEqual([]);
    expect(ran).toEqual(['b', 'a']);
  });

  it('skips claimed steps that registered no compensation (they failed, or have nothing to undo)', async () => {
    const { stack, ran } = stackOf(['a']);
    stack.claim('b');
    expect(await stack.unwind()).toEqual([{ step: 'a', status: 'compensated' }]);
    expect(ran).toEqual(['a']);
  });

  it('refuses a step name used twice: it would share an idempotency key', () => {
    const { stack } = stackOf(['order']);
    expect(() => stack.claim('order')).toThrow('saga step "order" is already used in this saga: step names must be unique');
  });

  it('refuses a step started after the saga was compensated', async () => {
    const { stack } = stackOf(['a']);
    await stack.unwind();
    expect(() => stack.claim('b')).toThrow(/started after the saga was compensated/);
  });

  it('compensates nothing when no step succeeded', async () => {
    expect(await new CompensationStack().unwind()).toEqual([]);
  });
});

describe('compensationKey', () => {
  it('is the workflow ID, the step and "compensate"', () => {
    expect(compensationKey('job-7-2026-01-01T00:00:00Z', 'reserve')).toBe('job-7-2026-01-01T00:00:00Z/reserve/compensate');
  });
});

describe('describeError', () => {
  it('joins the messages of an error and its causes', () => {
    const cause = ApplicationFailure.nonRetryable('insufficient balance', 'Business');
    expect(describeError(new Error('Activity task failed', { cause }))).toBe('Activity task failed: insufficient balance');
  });

  it.each([
    ['boom', 'boom'],
    [42, '42'],
    [Symbol('odd'), 'Symbol(odd)'],
    [null, '[object Null]'],
    [{ code: 1 }, '[object Object]'],
  ])('names a thrown non-error %s without throwing', (thrown, expected) => {
    expect(describeError(thrown)).toBe(expected);
  });
});

describe('compensationsOf', () => {
  it('knows nothing of errors no saga compensated, nor of thrown non-objects', () => {
    expect(compensationsOf(new Error('elsewhere'))).toBeUndefined();
    expect(compensationsOf('boom')).toBeUndefined();
    expect(compensationsOf(undefined)).toBeUndefined();
  });
});
