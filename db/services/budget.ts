import { LockMode, UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import { add, canonicalDecimal, compare, subtract } from '../../lib/decimal.ts';
import { businessError, ConflictError, NotFoundError } from '../../lib/errors.ts';
import { BotInstance, BudgetReservation, type ReservationStatus } from '../entities/index.ts';
import { inTransaction, type Orm } from '../orm.ts';

export interface ReservationView {
  id: number;
  bot_id: number;
  amount: string;
  idempotency_key: string;
  status: ReservationStatus;
}

const reservationView = (reservation: BudgetReservation): ReservationView => ({
  id: reservation.id,
  bot_id: reservation.bot.id,
  amount: reservation.amount,
  idempotency_key: reservation.idempotency_key,
  status: reservation.status,
});

/** The bot row, locked for this transaction on PostgreSQL (SQLite's writer lock serialises the whole transaction). */
async function lockedBot(em: EntityManager, botId: number): Promise<BotInstance> {
  const bot = await em.findOne(BotInstance, botId, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!bot) throw new NotFoundError(`bot ${botId} does not exist`);
  return bot;
}

/**
 * Sets `amount` of the bot's budget aside under `key`. Idempotent: the same key gives back the same reservation, whatever
 * became of it since, so a retried step never reserves twice; the same key with another amount or bot is refused.
 */
export async function reserveBudget(orm: Orm, botId: number, requested: string, key: string): Promise<ReservationView> {
  const amount = canonicalDecimal(requested);
  if (compare(amount, '0') <= 0) throw businessError('InvalidAmount', `a reservation must be positive, not ${amount}`);
  const reserve = () =>
    inTransaction(orm, async (em) => {
      const existing = await em.findOne(BudgetReservation, { idempotency_key: key });
      if (existing) {
        if (existing.bot.id !== botId || compare(existing.amount, amount) !== 0) {
          throw new ConflictError(`reservation ${key} was made for ${existing.amount} of bot ${existing.bot.id}`);
        }
        return reservationView(existing);
      }
      const bot = await lockedBot(em, botId);
      const reserved = add(bot.reserved, amount);
      if (compare(reserved, bot.budget) > 0) {
        throw businessError('BudgetExceeded', `bot ${botId} has ${subtract(bot.budget, bot.reserved)} of its budget ${bot.budget} left, not ${amount}`);
      }
      bot.reserved = reserved;
      const reservation = em.create(BudgetReservation, { bot, amount, idempotency_key: key, status: 'reserved' });
      await em.flush();
      return reservationView(reservation);
    });
  try {
    return await reserve();
  } catch (error) {
    // A twin with the same key committed first: this call now finds its reservation.
    if (error instanceof UniqueConstraintViolationException) return reserve();
    throw error;
  }
}

/** Ends a reservation still held: released gives the amount back to the budget, consumed spends it. Anything else is a no-op. */
async function settle(orm: Orm, key: string, outcome: 'released' | 'consumed'): Promise<ReservationView | null> {
  return inTransaction(orm, async (em) => {
    const reservation = await em.findOne(BudgetReservation, { idempotency_key: key });
    if (!reservation) return null;
    if (reservation.status !== 'reserved') return reservationView(reservation);
    const bot = await lockedBot(em, reservation.bot.id);
    bot.reserved = subtract(bot.reserved, reservation.amount);
    if (outcome === 'consumed') bot.budget = subtract(bot.budget, reservation.amount);
    reservation.status = outcome;
    await em.flush();
    return reservationView(reservation);
  });
}

/** The compensation of reserveBudget: idempotent, and null for a key that never reserved anything. */
export const releaseReservation = (orm: Orm, key: string) => settle(orm, key, 'released');

/** The order was filled: the reserved amount leaves the budget for good. */
export const consumeReservation = (orm: Orm, key: string) => settle(orm, key, 'consumed');
