import { compare, divide, multiply, subtract, add } from '../lib/decimal.ts';

// When position_monitor closes a position: pure, so every boundary is unit-tested without a workflow.

/** The monitor job's exits, in percent of the average entry price (decimal strings). */
export interface ExitThresholds {
  stop_loss_pct?: string;
  take_profit_pct?: string;
}

/** What an exit reads of a position; its own levels (absolute prices) win over the job's percentages. */
export interface ExitPosition {
  avg_entry_price: string;
  stop_loss: string | null;
  take_profit: string | null;
}

export type ExitTrigger = 'stop_loss' | 'take_profit';

export interface ExitLevels {
  stop_loss: string | null;
  take_profit: string | null;
}

const percentOf = (price: string, pct: string) => divide(multiply(price, pct), '100');

/** The prices at which the position is closed: its own, else the entry price moved by the job's percentages, else none. */
export function exitLevelsOf(position: ExitPosition, thresholds: ExitThresholds): ExitLevels {
  const entry = position.avg_entry_price;
  return {
    stop_loss: position.stop_loss ?? (thresholds.stop_loss_pct !== undefined ? subtract(entry, percentOf(entry, thresholds.stop_loss_pct)) : null),
    take_profit: position.take_profit ?? (thresholds.take_profit_pct !== undefined ? add(entry, percentOf(entry, thresholds.take_profit_pct)) : null),
  };
}

/** The exit a (long) position hits at `price`: at or below its stop-loss, at or above its take-profit; the stop-loss wins if levels cross. */
export function exitAt(levels: ExitLevels, price: string): { trigger: ExitTrigger; level: string } | null {
  if (levels.stop_loss !== null && compare(price, levels.stop_loss) <= 0) return { trigger: 'stop_loss', level: levels.stop_loss };
  if (levels.take_profit !== null && compare(price, levels.take_profit) >= 0) return { trigger: 'take_profit', level: levels.take_profit };
  return null;
}

/** What selling the whole position at `price` would realise, before fees. */
export const unrealizedPnl = (position: { quantity: string; avg_entry_price: string }, price: string): string =>
  multiply(position.quantity, subtract(price, position.avg_entry_price));
