import { describe, expect, it } from 'vitest';
import { KickLine } from '../../notifications/kickLine.ts';

/** A send the test finishes by hand, counting the sends. */
function controlledSend() {
  const pending: (() => void)[] = [];
  let sends = 0;
  const send = () => {
    sends += 1;
    return new Promise<boolean>((resolve) => pending.push(() => resolve(true)));
  };
  return { send, finishNext: () => pending.shift()?.(), sends: () => sends, waiting: () => pending.length };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('kick line', () => {
  it('sends one kick when alone', async () => {
    const { send, finishNext, sends } = controlledSend();
    const line = new KickLine(send);
    const kicked = line.kick();
    finishNext();
    expect(await kicked).toBe(true);
    expect(sends()).toBe(1);
  });

  it('folds every kick asked for while one is in flight into one more, sent after it', async () => {
    const { send, finishNext, sends, waiting } = controlledSend();
    const line = new KickLine(send);
    const first = line.kick();
    const later = Array.from({ length: 31 }, () => line.kick());
    expect(sends()).toBe(1);
    finishNext();
    await first;
    await tick();
    // The follow-up starts only once the first is done: it is sent after every later caller's row.
    expect(sends()).toBe(2);
    expect(waiting()).toBe(1);
    finishNext();
    expect(await Promise.all(later)).toEqual(Array(31).fill(true));
    expect(sends()).toBe(2);
  });

  it('starts afresh once idle, and a caller during the follow-up gets a follow-up of its own', async () => {
    const { send, finishNext, sends } = controlledSend();
    const line = new KickLine(send);
    const first = line.kick();
    const second = line.kick();
    finishNext();
    await first;
    await tick();
    // The follow-up is in flight now: a new caller waits for a third kick, sent after it.
    const third = line.kick();
    finishNext();
    await second;
    await tick();
    expect(sends()).toBe(3);
    finishNext();
    await third;
    const fourth = line.kick();
    expect(sends()).toBe(4);
    finishNext();
    expect(await fourth).toBe(true);
  });

  it('sends the follow-up even when the kick in flight failed', async () => {
    let sends = 0;
    const line = new KickLine(() => (++sends === 1 ? Promise.reject(new Error('refused')) : Promise.resolve(true)));
    const first = line.kick();
    const later = line.kick();
    await expect(first).rejects.toThrow('refused');
    expect(await later).toBe(true);
    expect(sends).toBe(2);
  });
});
