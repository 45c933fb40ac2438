import type { BotInstance, PerformanceMetrics, Position, Trade } from '../entities/index.ts';
import { fromUnits, toUnits } from '../../lib/decimal.ts';

// What the service layer hands out: plain objects, never managed entities, so no caller can lazily load or flush anything.

export const positionView = (position: Position) => ({
  id: position.id,
  bot_id: position.bot.id,
  symbol: position.symbol,
  quantity: position.quantity,
  avg_entry_price: position.avg_entry_price,
  status: position.status,
  opened_at: position.opened_at,
  closed_at: position.closed_at ?? null,
  stop_loss: position.stop_loss ?? null,
  take_profit: position.take_profit ?? null,
  last_price: position.last_price ?? null,
  unrealized_pnl: position.unrealized_pnl ?? null,
  marked_at: position.marked_at ?? null,
});
export type PositionView = ReturnType<typeof positionView>;

export const botView = (bot: BotInstance) => ({
  id: bot.id,
  user_id: bot.user_id,
  name: bot.name,
  strategy: bot.strategy,
  symbols: bot.symbols,
  status: bot.status,
  budget: bot.budget,
  reserved: bot.reserved,
  /** What a new reservation may still take. */
  available: fromUnits(toUnits(bot.budget) - toUnits(bot.reserved)),
  max_open_positions: bot.max_open_positions,
  max_notional: bot.max_notional,
  daily_loss_limit: bot.daily_loss_limit,
  dry_run: bot.dry_run,
  created_at: bot.created_at,
  updated_at: bot.updated_at,
});
export type BotView = ReturnType<typeof botView>;

export const tradeView = (trade: Trade) => ({
  id: trade.id,
  bot_id: trade.bot.id,
  symbol: trade.symbol,
  side: trade.side,
  quantity: trade.quantity,
  price: trade.price,
  fee: trade.fee,
  realized_pnl: trade.realized_pnl ?? null,
  status: trade.status,
  client_order_id: trade.client_order_id,
  exchange_order_id: trade.exchange_order_id ?? null,
  run_id: trade.run_id ?? null,
  executed_at: trade.executed_at,
});
export type TradeView = ReturnType<typeof tradeView>;

export const performanceView = (botId: number, day: string, metrics: PerformanceMetrics | null) => ({
  bot_id: botId,
  day,
  pnl: metrics?.pnl ?? '0',
  trades: metrics?.trades ?? 0,
  closing_trades: metrics?.closing_trades ?? 0,
  wins: metrics?.wins ?? 0,
  win_rate: metrics?.win_rate ?? '0',
  max_drawdown: metrics?.max_drawdown ?? '0',
});
export type PerformanceView = ReturnType<typeof performanceView>;
