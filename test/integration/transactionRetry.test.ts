import { IsolationLevel } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotInstance } from '../../db/entities/index.ts';
import { inTransaction, initORM, MAX_TRANSACTION_ATTEMPTS, migrate, type Orm } from '../../db/orm.ts';
import { createBot } from '../../db/services/bots.ts';
import { isTransactionConflict } from '../../lib/errors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.ts';

const bot = { user_id: 1, name: 'retry', strategy: 'dca', symbols: ['BTCUSDT'], budget: '100', max_open_positions: 1, max_notional: '1', daily_loss_limit: '1', dry_run: true };

/** A promise and the function that settles it: a step one transaction waits for another to reach. */
function signal() {
  let fire!: () => void;
  const fired = new Promise<void>((resolve) => (fire = resolve));
  return { fire, fired };
}

describe('transactions that lose a lock race on PostgreSQL are run again', () => {
  let database: TestDatabase;
  let orm: Orm;
  let other: Orm;

  beforeAll(async () => {
    database = await createTestDatabase('postgresql');
    orm = await initORM({ url: database.url });
    other = await initORM({ url: database.url });
    await migrate(orm);
  });

  afterAll(async () => {
    await other?.close();
    await orm?.close();
    await database?.drop();
  });

  /** One serializable attempt: read the bot, let another connection change it and commit, then write it (40001). */
  const serializableRename = (botId: number, conflictingAttempts: number, attempts: { count: number }) =>
    inTransaction(
      orm,
      async (em) => {
        attempts.count++;
        const row = await em.findOneOrFail(BotInstance, botId);
        if (attempts.count <= conflictingAttempts) await inTransaction(other, (em2) => em2.nativeUpdate(BotInstance, botId, { name: `other-${attempts.count}` }));
        row.name = `${row.name}+mine`;
      },
      { isolationLevel: IsolationLevel.SERIALIZABLE },
    );

  it('retries a serialization failure (40001) and succeeds on a clean attempt', async () => {
    const { id } = await createBot(orm, bot);
    const attempts = { count: 0 };
    await serializableRename(id, 2, attempts);
    expect(attempts.count).toBe(3);
    expect((await inTransaction(orm, (em) => em.findOneOrFail(BotInstance, id))).name).toBe('other-2+mine');
  });

  it(`gives up after ${MAX_TRANSACTION_ATTEMPTS} attempts that all fail to serialize, with the database's error`, async () => {
    const { id } = await createBot(orm, bot);
    const attempts = { count: 0 };
    const failure = await serializableRename(id, Infinity, attempts).catch((error: unknown) => error);
    expect(isTransactionConflict(failure)).toBe(true);
    expect(JSON.stringify(failure, Object.getOwnPropertyNames(failure))).toContain('40001');
    expect(attempts.count).toBe(MAX_TRANSACTION_ATTEMPTS);
    expect((await inTransaction(orm, (em) => em.findOneOrFail(BotInstance, id))).name).toBe(`other-${MAX_TRANSACTION_ATTEMPTS}`);
  });

  it('retries the victim of a deadlock (40P01); both transactions end up committed', async () => {
    const [a, b] = [await createBot(orm, bot), await createBot(orm, bot)];
    const [firstLocked, secondLocked] = [signal(), signal()];
    const attempts = [0, 0];
    // Each locks one row, waits until the other has locked the other row, then wants that row too.
    const crosswise = (index: number, mine: number, theirs: number, locked: ReturnType<typeof signal>, theyLocked: Promise<void>) =>
      inTransaction(orm, async (em) => {
        attempts[index]!++;
        await em.nativeUpdate(BotInstance, mine, { name: `mine-${index}` });
        locked.fire();
        await theyLocked;
        await em.nativeUpdate(BotInstance, theirs, { strategy: `by-${index}` });
      });
    await Promise.all([crosswise(0, a.id, b.id, firstLocked, secondLocked.fired), crosswise(1, b.id, a.id, secondLocked, firstLocked.fired)]);
    expect(attempts.toSorted()).toEqual([1, 2]);
    const rows = await inTransaction(orm, (em) => em.find(BotInstance, { id: [a.id, b.id] }, { orderBy: { id: 'asc' } }));
    expect(rows.map((row) => [row.name, row.strategy])).toEqual([
      ['mine-0', 'by-1'],
      ['mine-1', 'by-0'],
    ]);
  });
});

describe('transactions that find SQLite locked by another connection are run again', () => {
  let database: TestDatabase;
  let orm: Orm;
  let holder: Orm;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    // A short busy timeout: SQLite's own wait ends in SQLITE_BUSY quickly, and the retry is what is under test.
    orm = await initORM({ url: database.url, sqlite_busy_timeout_ms: 20 });
    holder = await initORM({ url: database.url, sqlite_busy_timeout_ms: 20 });
    await migrate(orm);
  });

  afterAll(async () => {
    await holder?.close();
    await orm?.close();
    await database?.drop();
  });

  const holdWriteLock = () => holder.em.getConnection().execute('begin immediate', [], 'run');
  const releaseWriteLock = () => holder.em.getConnection().execute('commit', [], 'run');

  it('retries SQLITE_BUSY and succeeds once the other connection lets go', async () => {
    const { id } = await createBot(orm, bot);
    await holdWriteLock();
    let attempts = 0;
    await inTransaction(orm, async (em) => {
      attempts++;
      if (attempts === 2) await releaseWriteLock();
      await em.nativeUpdate(BotInstance, id, { name: 'written' });
    });
    expect(attempts).toBe(2);
    expect((await inTransaction(orm, (em) => em.findOneOrFail(BotInstance, id))).name).toBe('written');
  });

  it(`gives up after ${MAX_TRANSACTION_ATTEMPTS} attempts while the lock is held, with SQLITE_BUSY`, async () => {
    const { id } = await createBot(orm, bot);
    await holdWriteLock();
    let attempts = 0;
    try {
      const failure = await inTransaction(orm, async (em) => {
        attempts++;
        await em.nativeUpdate(BotInstance, id, { name: 'never' });
      }).catch((error: unknown) => error);
      expect(isTransactionConflict(failure)).toBe(true);
      expect(attempts).toBe(MAX_TRANSACTION_ATTEMPTS);
    } finally {
      await releaseWriteLock();
    }
    expect((await inTransaction(orm, (em) => em.findOneOrFail(BotInstance, id))).name).toBe('retry');
  });
});
