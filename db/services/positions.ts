import { Position } from '../entities/index.ts';
import { unrealizedPnl } from '../../trading/exitTriggers.ts';
import { inTransaction, type Orm } from '../orm.ts';
import { positionView, type PositionView } from './tradingViews.ts';

/** The bot's open positions, in one symbol or all, oldest first. */
export function openPositionsOf(orm: Orm, botId: number, symbol?: string): Promise<PositionView[]> {
  return inTransaction(orm, async (em) => {
    const rows = await em.find(Position, { bot: botId, status: 'open', ...(symbol !== undefined ? { symbol } : {}) }, { orderBy: { id: 'asc' } });
    return rows.map(positionView);
  });
}

/** The position, if it is still open. */
export function findOpenPosition(orm: Orm, positionId: number): Promise<PositionView | null> {
  return inTransaction(orm, async (em) => {
    const position = await em.findOne(Position, { id: positionId, status: 'open' });
    return position ? positionView(position) : null;
  });
}

/**
 * Marks positions to market in one transaction: each gets the price, the pnl a sale at it would realise (from its quantity
 * now, so a fill since the read counts), and `at`. A position closed in the meantime is left alone and left out.
 */
export function markPositions(orm: Orm, marks: readonly { position_id: number; price: string }[], at: Date): Promise<PositionView[]> {
  return inTransaction(orm, async (em) => {
    const rows = await em.find(Position, { id: { $in: marks.map((mark) => mark.position_id) }, status: 'open' }, { orderBy: { id: 'asc' } });
    const priceOf = new Map(marks.map((mark) => [mark.position_id, mark.price]));
    for (const position of rows) {
      const price = priceOf.get(position.id)!;
      position.last_price = price;
      position.unrealized_pnl = unrealizedPnl(position, price);
      position.marked_at = at;
    }
    await em.flush();
    return rows.map(positionView);
  });
}
