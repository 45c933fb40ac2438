import type { FilterQuery } from '@mikro-orm/core';
import { BotInstance, Position, type BotStatus } from '../entities/index.ts';
import { canonicalDecimal, compare } from '../../lib/decimal.ts';
import { ValidationError } from '../../lib/errors.ts';
import { inTransaction, type Orm } from '../orm.ts';
import { toPage, type Page } from '../pagination.ts';
import { botView, positionView, type BotView, type PositionView } from './tradingViews.ts';

export interface NewBot {
  user_id: number;
  name: string;
  strategy: string;
  symbols: string[];
  budget: string;
  max_open_positions: number;
  max_notional: string;
  daily_loss_limit: string;
  dry_run: boolean;
}

export type BotChanges = Partial<Omit<NewBot, 'user_id'> & { status: BotStatus }>;

export interface BotDetail extends BotView {
  open_positions: PositionView[];
}

/** Amounts are stored as they are read back: "50.50" becomes "50.5". */
function withCanonicalAmounts<T extends Partial<Pick<NewBot, 'budget' | 'max_notional' | 'daily_loss_limit'>>>(fields: T): T {
  const canonical = { ...fields };
  for (const key of ['budget', 'max_notional', 'daily_loss_limit'] as const) if (canonical[key] !== undefined) canonical[key] = canonicalDecimal(canonical[key]);
  return canonical;
}

export function createBot(orm: Orm, bot: NewBot): Promise<BotView> {
  return inTransaction(orm, async (em) => {
    const created = em.create(BotInstance, { ...withCanonicalAmounts(bot), status: 'running', reserved: '0' });
    await em.flush();
    return botView(created);
  });
}

/** The bot with its open positions, or null. */
export function getBot(orm: Orm, botId: number): Promise<BotDetail | null> {
  return inTransaction(orm, async (em) => {
    const bot = await em.findOne(BotInstance, botId);
    if (!bot) return null;
    const open = await em.find(Position, { bot: botId, status: 'open' }, { orderBy: { id: 'asc' } });
    return { ...botView(bot), open_positions: open.map(positionView) };
  });
}

export function listBots(orm: Orm, filter: { user_id?: number; cursor?: number; limit: number }): Promise<Page<BotView>> {
  return inTransaction(orm, async (em) => {
    const where: FilterQuery<BotInstance> = {};
    if (filter.user_id !== undefined) where.user_id = filter.user_id;
    if (filter.cursor !== undefined) where.id = { $gt: filter.cursor };
    const rows = await em.find(BotInstance, where, { orderBy: { id: 'asc' }, limit: filter.limit + 1 });
    return toPage(rows.map(botView), filter.limit, (bot) => bot.id);
  });
}

/** The changed bot, or null when there is none. */
export function updateBot(orm: Orm, botId: number, changes: BotChanges): Promise<BotDetail | null> {
  return inTransaction(orm, async (em) => {
    const bot = await em.findOne(BotInstance, botId);
    if (!bot) return null;
    if (changes.budget !== undefined && compare(changes.budget, bot.reserved) < 0) {
      throw new ValidationError([{ path: 'budget', message: `must be at least what is reserved now (${bot.reserved})` }]);
    }
    em.assign(bot, withCanonicalAmounts(changes));
    await em.flush();
    const open = await em.find(Position, { bot: botId, status: 'open' }, { orderBy: { id: 'asc' } });
    return { ...botView(bot), open_positions: open.map(positionView) };
  });
}

export function openPositions(orm: Orm, botId: number): Promise<PositionView[]> {
  return inTransaction(orm, async (em) => (await em.find(Position, { bot: botId, status: 'open' }, { orderBy: { id: 'asc' } })).map(positionView));
}
