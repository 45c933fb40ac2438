import { activityInfo, log } from '@temporalio/activity';
import { getBot } from '../db/services/bots.ts';
import { consumeReservation, releaseReservation, reserveBudget } from '../db/services/budget.ts';
import { recordOrderAnswer, recordOrderSent, recordOrderStatus } from '../db/services/orders.ts';
import { dailyPerformance, markBuyTradeFailed, recordTrade, utcDay } from '../db/services/trades.ts';
import type { Orm } from '../db/orm.ts';
import type { Config } from '../lib/config.ts';
import { add, compare, divide, floorToStep } from '../lib/decimal.ts';
import { businessError, KeelError } from '../lib/errors.ts';
import { clientOrderIdOf, type OrderOrigin } from '../lib/exchange/clientOrderId.ts';
import type { Exchange, ExchangeOrder, MarketOrderRequest, OrderSide } from '../lib/exchange/exchange.ts';
import { exchangeForBot, type Exchanges } from '../lib/exchange/exchangeForBot.ts';
import { priceText } from '../lib/exchange/paperExchange.ts';
import { settleOrder, type Settlement } from '../lib/exchange/settleOrder.ts';
import { assertTradingAllowed } from '../trading/tradingAllowed.ts';

export interface TradingDeps {
  config: Config;
  orm: Orm;
  exchanges: Exchanges;
  /** Fault injection for tests: awaited as each step starts; what it throws is that step's failure. */
  faultBefore?: (step: string) => void | Promise<void>;
}

/** A market order one run means to place, sized by exactly one of `quote_amount` and `quantity`. */
export interface OrderIntent {
  bot_id: number;
  symbol: string;
  side: OrderSide;
  /** Quote currency to spend, a decimal string: an entry. */
  quote_amount?: string;
  /** Base asset to sell or buy, a decimal string: a close. */
  quantity?: string;
  origin: OrderOrigin;
}

/** An entry: spends quote currency, so the risk check can weigh it. */
export type EntryIntent = OrderIntent & { quote_amount: string };

export interface PlacedOrder {
  order: ExchangeOrder;
  /** When the request left this process: a lookup after it settles "not found" once recvWindow has passed. */
  sent_at: number;
}

/** An update of the orders table after the exchange answered: what the exchange holds stands either way, so a failed write is logged, not fatal (the row stays open, and the kill switch would ask the exchange). */
async function noteOrder(write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    log.warn('orders table not updated', { error: error instanceof Error ? error.message : String(error) });
  }
}

/** The steps of strategy_execution that touch the database and the exchange; each is idempotent, keyed by its client order ID or reservation key. */
export function createTradingActivities({ config, orm, exchanges, faultBefore }: TradingDeps) {
  const exchangeOf = async (botId: number) => {
    const bot = await getBot(orm, botId);
    if (!bot) throw businessError('UnknownBot', `bot ${botId} does not exist`);
    return exchangeForBot(bot, config.exchange.provider, exchanges);
  };

  /** What every order's risk check starts with: trading allowed, the bot running, trading the symbol, the amount under its max notional. */
  async function botAllowedToTrade(intent: EntryIntent) {
    await assertTradingAllowed(orm);
    const bot = await getBot(orm, intent.bot_id);
    if (!bot) throw businessError('UnknownBot', `bot ${intent.bot_id} does not exist`);
    if (bot.status !== 'running') throw businessError('BotNotRunning', `bot ${bot.id} is ${bot.status}`);
    if (!bot.symbols.includes(intent.symbol)) throw businessError('SymbolNotTraded', `bot ${bot.id} does not trade ${intent.symbol} (only ${bot.symbols.join(', ')})`);
    if (compare(intent.quote_amount, bot.max_notional) > 0) throw businessError('MaxNotional', `${intent.quote_amount} is over bot ${bot.id}'s max notional ${bot.max_notional}`);
    return bot;
  }

  /** Sends a market order, recorded in the orders table first: a retry, a replay or a restarted worker finds the one it placed (by client ID) instead of placing another. */
  async function sendOrder(exchange: Exchange, botId: number, request: MarketOrderRequest): Promise<ExchangeOrder> {
    const { symbol, side, client_order_id } = request;
    await recordOrderSent(orm, { bot_id: botId, symbol, side, client_order_id, quantity: request.quantity ?? '0', workflow_id: activityInfo().workflowExecution?.workflowId ?? null });
    let order: ExchangeOrder;
    try {
      order = (await exchange.findOrder(request.symbol, request.client_order_id)) ?? (await exchange.placeMarketOrder(request));
    } catch (error) {
      await noteOrder(() => recordOrderStatus(orm, request.client_order_id, error instanceof KeelError && error.category === 'business' ? 'REJECTED' : 'UNKNOWN'));
      throw error;
    }
    await noteOrder(() => recordOrderAnswer(orm, order));
    return order;
  }

  return {
    /** The risk check of a buy: the kill switch is off, the bot runs, trades the symbol, has room for another position, stays under its max notional and its daily loss limit. */
    async checkRisk(intent: EntryIntent): Promise<{ client_order_id: string }> {
      await faultBefore?.('risk');
      const bot = await botAllowedToTrade(intent);
      const holds = bot.open_positions.some((position) => position.symbol === intent.symbol);
      if (!holds && bot.open_positions.length >= bot.max_open_positions) throw businessError('MaxOpenPositions', `bot ${bot.id} already has ${bot.open_positions.length} open positions (max ${bot.max_open_positions})`);
      const today = await dailyPerformance(orm, bot.id, utcDay(new Date()));
      if (compare(add(today.pnl, bot.daily_loss_limit), '0') <= 0) throw businessError('DailyLossLimit', `bot ${bot.id} lost ${today.pnl} today (limit ${bot.daily_loss_limit})`);
      return { client_order_id: clientOrderIdOf(intent.origin) };
    },

    /**
     * The risk check of a sell: as for a buy, except that the bot must hold the symbol, and what it sells is `quote_amount`
     * worth at `price` (the signal's reading) but never more than it holds. A sale reduces exposure: no position or loss limit applies.
     */
    async checkSellRisk(intent: EntryIntent, price: number): Promise<{ client_order_id: string; quantity: string }> {
      await faultBefore?.('risk');
      const bot = await botAllowedToTrade(intent);
      const position = bot.open_positions.find((open) => open.symbol === intent.symbol);
      if (!position) throw businessError('NoPosition', `bot ${bot.id} holds no ${intent.symbol} to sell`);
      const wanted = divide(intent.quote_amount, priceText(price));
      const capped = compare(wanted, position.quantity) > 0 ? position.quantity : wanted;
      // The exchange takes multiples of the symbol's lot step only: the sale is rounded down to one, never up past the holding.
      const lot = await exchangeForBot(bot, config.exchange.provider, exchanges).lotSize(intent.symbol);
      const quantity = lot ? floorToStep(capped, lot.step) : capped;
      if (compare(quantity, '0') <= 0 || (lot && compare(quantity, lot.min) < 0)) {
        throw businessError('InvalidQuantity', `${intent.quote_amount} sells ${quantity} ${intent.symbol} at ${price}${lot ? `, under the exchange's minimum lot ${lot.min}` : ''}`);
      }
      return { client_order_id: clientOrderIdOf(intent.origin), quantity };
    },

    async reserveBudget(botId: number, amount: string, key: string): Promise<{ key: string }> {
      await faultBefore?.('reserve');
      await reserveBudget(orm, botId, amount, key);
      return { key };
    },

    async releaseReservation(key: string): Promise<void> {
      await releaseReservation(orm, key);
    },

    async consumeReservation(key: string): Promise<void> {
      await faultBefore?.('consume');
      await consumeReservation(orm, key);
    },


    /** Places the intent's order once (see sendOrder); sized in quote currency (an entry) or in base quantity (a close). */
    async placeOrder(intent: OrderIntent, clientOrderId: string): Promise<PlacedOrder> {
      await faultBefore?.('order');
      // Again here, not only in the risk check: a placement repeated after an unclear answer may come after the switch.
      await assertTradingAllowed(orm);
      const exchange = await exchangeOf(intent.bot_id);
      const sentAt = Date.now();
      const size = intent.quantity !== undefined ? { quantity: intent.quantity } : { quote_quantity: intent.quote_amount };
      return { order: await sendOrder(exchange, intent.bot_id, { symbol: intent.symbol, side: intent.side, ...size, client_order_id: clientOrderId }), sent_at: sentAt };
    },

    /** An order whose request got no clear answer: found, absent for good (recvWindow has passed), or not yet decided. */
    async settleOrder(botId: number, symbol: string, clientOrderId: string, sentNoLaterThan: number): Promise<Settlement> {
      const settlement = await settleOrder(await exchangeOf(botId), { symbol, client_order_id: clientOrderId }, sentNoLaterThan, config.exchange.recv_window_ms);
      if (settlement.state === 'exists') await noteOrder(() => recordOrderAnswer(orm, settlement.order));
      // Never executed, and past the window in which it could be: expired, in Binance's words.
      if (settlement.state === 'absent') await noteOrder(() => recordOrderStatus(orm, clientOrderId, 'EXPIRED'));
      return settlement;
    },

    /** The order's compensation: cancel it if open; a fill is closed with the opposite market order (its own client ID, so it too happens once). */
    async undoOrder(intent: OrderIntent, clientOrderId: string): Promise<ExchangeOrder | null> {
      const exchange = await exchangeOf(intent.bot_id);
      const order = await exchange.cancelOrder(intent.symbol, clientOrderId);
      if (order) await noteOrder(() => recordOrderAnswer(orm, order));
      if (!order || compare(order.executed_quantity, '0') <= 0) return order;
      return sendOrder(exchange, intent.bot_id, {
        symbol: intent.symbol,
        side: intent.side === 'BUY' ? 'SELL' : 'BUY',
        quantity: order.executed_quantity,
        client_order_id: clientOrderIdOf({ ...intent.origin, leg: `${intent.origin.leg}-undo` }),
      });
    },

    async recordTrade(intent: OrderIntent, order: ExchangeOrder, runId: number | null): Promise<{ trade_id: number; price: string; quantity: string; realized_pnl: string | null }> {
      await faultBefore?.('trade');
      const trade = await recordTrade(orm, {
        bot_id: intent.bot_id,
        symbol: intent.symbol,
        side: order.side,
        quantity: order.executed_quantity,
        price: divide(order.executed_quote_quantity, order.executed_quantity),
        fee: '0',
        client_order_id: order.client_order_id,
        exchange_order_id: order.exchange_order_id,
        run_id: runId,
        executed_at: new Date(),
      });
      return { trade_id: trade.id, price: trade.price, quantity: trade.quantity, realized_pnl: trade.realized_pnl };
    },

    async markTradeFailed(clientOrderId: string): Promise<void> {
      await markBuyTradeFailed(orm, clientOrderId);
    },
  };
}

export type TradingActivities = ReturnType<typeof createTradingActivities>;
