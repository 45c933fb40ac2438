import { log } from '@temporalio/activity';
import { findOpenPosition, markPositions, openPositionsOf } from '../db/services/positions.ts';
import type { Orm } from '../db/orm.ts';
import { clientOrderIdOf, type OrderOrigin } from '../lib/exchange/clientOrderId.ts';
import { priceText } from '../lib/exchange/paperExchange.ts';
import type { MarketDataProvider, PriceQuote } from '../lib/marketData/index.ts';
import { assertTradingAllowed } from '../trading/tradingAllowed.ts';
import { exitAt, exitLevelsOf, type ExitThresholds, type ExitTrigger } from '../trading/exitTriggers.ts';

export interface PositionDeps {
  orm: Orm;
  marketData: MarketDataProvider;
  /** Fault injection for tests: awaited as each step starts; what it throws is that step's failure. */
  faultBefore?: (step: string) => void | Promise<void>;
}

/** One open position as the monitor marked it. */
export interface PositionMark {
  position_id: number;
  symbol: string;
  quantity: string;
  avg_entry_price: string;
  price: string;
  unrealized_pnl: string;
  /** The price is the last known one, not live: marked, but never a reason to close. */
  stale?: true;
}

/** A position whose stop-loss or take-profit the price reached. */
export interface PositionExit {
  position_id: number;
  symbol: string;
  trigger: ExitTrigger;
  level: string;
  price: string;
}

/** What the close of one position sells, and the ID that makes the sale happen once. */
export interface CloseOrder {
  bot_id: number;
  symbol: string;
  quantity: string;
  client_order_id: string;
}

/** position_monitor's activities: mark a bot's open positions to market, and the close's own check before it sells. */
export function createPositionActivities({ orm, marketData, faultBefore }: PositionDeps) {
  return {
    /** Prices every open position of the bot (in `symbol`, or all), stores the marks, and names those past an exit; a stale price marks but never exits. */
    async markPositions(botId: number, symbol: string | null, thresholds: ExitThresholds): Promise<{ positions: PositionMark[]; exits: PositionExit[] }> {
      await faultBefore?.('mark');
      const open = await openPositionsOf(orm, botId, symbol ?? undefined);
      const quotes = new Map<string, PriceQuote>();
      for (const position of open) if (!quotes.has(position.symbol)) quotes.set(position.symbol, await marketData.getPrice(position.symbol));
      const marked = await markPositions(orm, open.map((position) => ({ position_id: position.id, price: priceText(quotes.get(position.symbol)!.price) })), new Date());
      const positions: PositionMark[] = [];
      const exits: PositionExit[] = [];
      for (const position of marked) {
        const price = position.last_price!;
        const stale = quotes.get(position.symbol)!.stale === true;
        positions.push({ position_id: position.id, symbol: position.symbol, quantity: position.quantity, avg_entry_price: position.avg_entry_price, price, unrealized_pnl: position.unrealized_pnl!, ...(stale ? { stale } : {}) });
        const exit = stale ? null : exitAt(exitLevelsOf(position, thresholds), price);
        if (exit) exits.push({ position_id: position.id, symbol: position.symbol, price, ...exit });
      }
      log.info('positions marked', { bot_id: botId, marked: positions.length, exits: exits.length });
      return { positions, exits };
    },

    /** Before a close sells: the kill switch is off and the position still open (null when it closed since); its whole quantity is what the close sells. */
    async checkClose(positionId: number, origin: OrderOrigin): Promise<CloseOrder | null> {
      await faultBefore?.('check');
      await assertTradingAllowed(orm);
      const position = await findOpenPosition(orm, positionId);
      if (!position) return null;
      return { bot_id: position.bot_id, symbol: position.symbol, quantity: position.quantity, client_order_id: clientOrderIdOf(origin) };
    },
  };
}

export type PositionActivities = ReturnType<typeof createPositionActivities>;
