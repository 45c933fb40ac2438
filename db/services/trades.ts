import { LockMode, UniqueConstraintViolationException, type EntityManager, type Transaction } from '@mikro-orm/core';
import { add, canonicalDecimal, compare, divide, multiply, subtract } from '../../lib/decimal.ts';
import { businessError, NotFoundError } from '../../lib/errors.ts';
import { BotInstance, PerformanceMetrics, Position, Trade, type OrderSide } from '../entities/index.ts';
import { DecimalText } from '../entities/DecimalText.ts';
import { inTransaction, type Orm } from '../orm.ts';
import { toPage, type Page } from '../pagination.ts';
import { performanceView, tradeView, type PerformanceView, type TradeView } from './tradingViews.ts';

export interface NewTrade {
  bot_id: number;
  symbol: string;
  side: OrderSide;
  quantity: string;
  price: string;
  /** In quote currency. */
  fee: string;
  client_order_id: string;
  exchange_order_id?: string | null;
  run_id?: number | null;
  executed_at: Date;
}

/** The UTC day of an instant, as performance is kept: YYYY-MM-DD. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

/**
 * Records a fill and what it does to the bot's position and the day's performance, in one transaction. Idempotent on
 * client_order_id: a retried step gets the trade recorded the first time back, and nothing is counted twice.
 * A buy adds to the open position at a cost that includes the fee; a sell realises (price − average entry) × quantity − fee
 * and adds its proceeds, quantity × price − fee, to the bot's budget.
 */
export async function recordTrade(orm: Orm, reported: NewTrade): Promise<TradeView> {
  const fill = { ...reported, quantity: canonicalDecimal(reported.quantity), price: canonicalDecimal(reported.price), fee: canonicalDecimal(reported.fee) };
  if (compare(fill.quantity, '0') <= 0 || compare(fill.price, '0') <= 0 || compare(fill.fee, '0') < 0) {
    throw businessError('InvalidTrade', `a trade needs a positive quantity and price and a fee of at least 0 (got ${fill.quantity} @ ${fill.price}, fee ${fill.fee})`);
  }
  const record = () =>
    inTransaction(orm, async (em) => {
      const existing = await em.findOne(Trade, { client_order_id: fill.client_order_id });
      if (existing) return tradeView(existing);
      // The bot row is the lock all of one bot's money moves take, so two fills of a bot never interleave.
      const bot = await em.findOne(BotInstance, fill.bot_id, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!bot) throw new NotFoundError(`bot ${fill.bot_id} does not exist`);
      const realized = await applyToPosition(em, bot, fill);
      // A sale's proceeds are the bot's to spend again (a buy's cost left the budget when its reservation was consumed).
      if (fill.side === 'SELL') bot.budget = add(bot.budget, subtract(multiply(fill.quantity, fill.price), fill.fee));
      const trade = em.create(Trade, {
        bot,
        symbol: fill.symbol,
        side: fill.side,
        quantity: fill.quantity,
        price: fill.price,
        fee: fill.fee,
        realized_pnl: realized,
        status: 'FILLED',
        client_order_id: fill.client_order_id,
        exchange_order_id: fill.exchange_order_id ?? null,
        run_id: fill.run_id ?? null,
        executed_at: fill.executed_at,
      });
      await addToPerformance(em, bot, utcDay(fill.executed_at), realized);
      await em.flush();
      return tradeView(trade);
    });
  try {
    return await record();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) return record();
    throw error;
  }
}

/** Updates (or opens, or closes) the bot's position in the symbol; returns the pnl a sell realised, null for a buy. */
async function applyToPosition(em: EntityManager, bot: BotInstance, fill: NewTrade): Promise<string | null> {
  const position = await em.findOne(Position, { bot, symbol: fill.symbol, status: 'open' });
  if (fill.side === 'BUY') {
    const cost = add(multiply(fill.quantity, fill.price), fill.fee);
    if (!position) {
      em.create(Position, { bot, symbol: fill.symbol, quantity: fill.quantity, avg_entry_price: divide(cost, fill.quantity), status: 'open', opened_at: fill.executed_at });
      return null;
    }
    const quantity = add(position.quantity, fill.quantity);
    position.avg_entry_price = divide(add(multiply(position.quantity, position.avg_entry_price), cost), quantity);
    position.quantity = quantity;
    return null;
  }
  if (!position || compare(fill.quantity, position.quantity) > 0) {
    throw businessError('InsufficientPosition', `bot ${bot.id} holds ${position?.quantity ?? '0'} ${fill.symbol}, cannot sell ${fill.quantity}`);
  }
  position.quantity = subtract(position.quantity, fill.quantity);
  if (compare(position.quantity, '0') === 0) {
    position.status = 'closed';
    position.closed_at = fill.executed_at;
  }
  return subtract(multiply(fill.quantity, subtract(fill.price, position.avg_entry_price)), fill.fee);
}

async function addToPerformance(em: EntityManager, bot: BotInstance, day: string, realized: string | null): Promise<void> {
  const metrics = (await em.findOne(PerformanceMetrics, { bot, day })) ?? em.create(PerformanceMetrics, { bot, day });
  metrics.trades = (metrics.trades ?? 0) + 1;
  if (realized === null) return;
  const pnl = add(metrics.pnl ?? '0', realized);
  const peak = compare(pnl, metrics.peak_pnl ?? '0') > 0 ? pnl : (metrics.peak_pnl ?? '0');
  const drawdown = subtract(peak, pnl);
  metrics.pnl = pnl;
  metrics.peak_pnl = peak;
  if (compare(drawdown, metrics.max_drawdown ?? '0') > 0) metrics.max_drawdown = drawdown;
  metrics.closing_trades = (metrics.closing_trades ?? 0) + 1;
  if (compare(realized, '0') > 0) metrics.wins = (metrics.wins ?? 0) + 1;
  metrics.win_rate = divide(String(metrics.wins ?? 0), String(metrics.closing_trades));
}

/** A trades row as the driver reads it: the bot as its id, amounts as the column holds them. */
type TradeRow = Omit<TradeView, 'bot_id'> & { bot: number };

const decimalText = new DecimalText();

/** The bot's trades, newest first. Read as plain rows, not entities, as listRuns reads runs (bench/README.md: bench:db). */
export function listTrades(orm: Orm, botId: number, page: { cursor?: number; limit: number }): Promise<Page<TradeView>> {
  return inTransaction(orm, async (em) => {
    const where = { bot: botId, ...(page.cursor !== undefined ? { id: { $lt: page.cursor } } : {}) };
    const rows = (await em.getDriver().find(Trade, where, { orderBy: { id: 'desc' }, limit: page.limit + 1, ctx: em.getTransactionContext<Transaction<unknown>>() })) as TradeRow[];
    // The driver leaves PostgreSQL's numeric as it comes ("60000.5000000000"): the amounts are made canonical as an entity's are.
    const amount = (value: string) => decimalText.convertToJSValue(value);
    const trades = rows.map(({ bot, ...row }): TradeView => ({
      ...row,
      bot_id: bot,
      quantity: amount(row.quantity),
      price: amount(row.price),
      fee: amount(row.fee),
      realized_pnl: row.realized_pnl === null ? null : amount(row.realized_pnl),
      exchange_order_id: row.exchange_order_id ?? null,
      run_id: row.run_id ?? null,
    }));
    return toPage(trades, page.limit, (trade) => trade.id);
  });
}

/** The bot's results on one UTC day (all zero on a day without trades). */
export function dailyPerformance(orm: Orm, botId: number, day: string): Promise<PerformanceView> {
  return inTransaction(orm, async (em) => performanceView(botId, day, await em.findOne(PerformanceMetrics, { bot: botId, day })));
}

/** The bot's daily results between two UTC days, inclusive, oldest first: days without trades are left out. */
export function performanceBetween(orm: Orm, botId: number, from: string, to: string): Promise<PerformanceView[]> {
  return inTransaction(orm, async (em) => {
    const rows = await em.find(PerformanceMetrics, { bot: botId, day: { $gte: from, $lte: to } }, { orderBy: { day: 'asc' } });
    return rows.map((metrics) => performanceView(botId, metrics.day, metrics));
  });
}

/**
 * The compensation of recordTrade for a buy: marks the trade FAILED and takes it back out of the position (closing it when
 * the buy had opened it) and out of the day's trade count. Idempotent: a trade already FAILED, or never recorded, is left as is.
 */
export function markBuyTradeFailed(orm: Orm, clientOrderId: string): Promise<TradeView | null> {
  return inTransaction(orm, async (em) => {
    const trade = await em.findOne(Trade, { client_order_id: clientOrderId }, { populate: ['bot'] });
    if (!trade || trade.status === 'FAILED') return trade ? tradeView(trade) : null;
    if (trade.side !== 'BUY') throw businessError('UnsupportedUndo', `trade ${clientOrderId} is a sell: only a buy is undone by marking it failed`);
    const bot = await em.findOne(BotInstance, trade.bot.id, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const position = await em.findOne(Position, { bot: trade.bot, symbol: trade.symbol, status: 'open' });
    if (position) {
      const remaining = subtract(position.quantity, trade.quantity);
      if (compare(remaining, '0') <= 0) {
        em.remove(position);
      } else {
        const cost = add(multiply(trade.quantity, trade.price), trade.fee);
        position.avg_entry_price = divide(subtract(multiply(position.quantity, position.avg_entry_price), cost), remaining);
        position.quantity = remaining;
      }
    }
    const metrics = bot && (await em.findOne(PerformanceMetrics, { bot, day: utcDay(trade.executed_at) }));
    if (metrics && (metrics.trades ?? 0) > 0) metrics.trades = (metrics.trades ?? 0) - 1;
    trade.status = 'FAILED';
    await em.flush();
    return tradeView(trade);
  });
}
