import type { Config } from '../config.ts';
import { businessError } from '../errors.ts';
import type { Exchange } from './exchange.ts';

export interface Exchanges {
  paper: Exchange;
  /** Only when EXCHANGE_PROVIDER is binance. */
  live?: Exchange;
}

/**
 * Where a bot's orders go: a dry-run bot always trades on paper; a live bot needs EXCHANGE_PROVIDER=binance, and without
 * it is refused (a business failure) rather than traded on paper when the user meant it for real.
 */
export function exchangeForBot(bot: { id: number; dry_run: boolean }, provider: Config['exchange']['provider'], exchanges: Exchanges): Exchange {
  if (bot.dry_run) return exchanges.paper;
  if (provider === 'binance' && exchanges.live) return exchanges.live;
  throw businessError('LiveTradingUnavailable', `bot ${bot.id} trades live (dry_run false), but EXCHANGE_PROVIDER is not binance`);
}
