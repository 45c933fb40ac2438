import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initORM, migrate, type Orm } from '../../db/orm.ts';
import type { Exchange } from '../../lib/exchange/exchange.ts';
import { exchangeForBot } from '../../lib/exchange/exchangeForBot.ts';
import { createPaperExchange, priceText } from '../../lib/exchange/paperExchange.ts';
import { KeelError } from '../../lib/errors.ts';
import type { MarketDataProvider, PriceQuote } from '../../lib/marketData/index.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/databases.ts';

/** Market data whose price the test sets; it counts how often it was asked. */
function settablePrices(prices: Record<string, number>) {
  let stale = false;
  let asked = 0;
  const provider: MarketDataProvider = {
    name: 'settable',
    getPrice: (symbol: string): Promise<PriceQuote> => {
      asked += 1;
      const price = prices[symbol];
      if (price === undefined) return Promise.reject(new KeelError(`unknown symbol ${symbol}`, { category: 'business', type: 'InvalidSymbol', retryable: false }));
      return Promise.resolve({ symbol, price, at: new Date().toISOString(), ...(stale ? { stale: true } : {}) });
    },
    getKlines: () => Promise.resolve([]),
  };
  return { provider, prices, setStale: (value: boolean) => (stale = value), asked: () => asked };
}

const rejectionType = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  return error instanceof KeelError ? `${error.category}:${error.type}:${error.retryable}` : String(error);
};

describe('priceText', () => {
  it('turns a provider float into an exact decimal of ten places at most, and refuses a price that is not one', () => {
    expect(priceText(60_123.45)).toBe('60123.45');
    expect(priceText(0.00000123)).toBe('0.00000123');
    expect(() => priceText(0)).toThrow(/no usable market price/);
    expect(() => priceText(Number.NaN)).toThrow(/no usable market price/);
  });
});

describe.each(DATABASE_KINDS)('paper exchange on %s', (kind) => {
  let database: TestDatabase;
  let orm: Orm;
  let market: ReturnType<typeof settablePrices>;
  let exchange: Exchange;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    orm = await initORM({ url: database.url });
    await migrate(orm);
    market = settablePrices({ BTCUSDT: 60_000, ETHUSDT: 3_000.5 });
    exchange = createPaperExchange(orm, market.provider);
  });

  afterAll(async () => {
    await orm?.close();
    await database?.drop();
  });

  it('fills a quote-sized market buy at the market price, exactly', async () => {
    const order = await exchange.placeMarketOrder({ symbol: 'BTCUSDT', side: 'BUY', quote_quantity: '100', client_order_id: 'paper-quote-1' });
    expect(order).toMatchObject({ symbol: 'BTCUSDT', side: 'BUY', client_order_id: 'paper-quote-1', status: 'FILLED', executed_quantity: '0.0016666667', executed_quote_quantity: '100' });
    expect(order.exchange_order_id).toMatch(/^paper-\d+$/);
  });

  it('fills a base-sized market sell at the market price', async () => {
    const order = await exchange.placeMarketOrder({ symbol: 'ETHUSDT', side: 'SELL', quantity: '0.3', client_order_id: 'paper-base-1' });
    expect(order).toMatchObject({ status: 'FILLED', executed_quantity: '0.3', executed_quote_quantity: '900.15' });
  });

  it('never fills the same client order ID twice: a second request, even at another price, returns the first fill', async () => {
    const first = await exchange.placeMarketOrder({ symbol: 'BTCUSDT', side: 'BUY', quote_quantity: '50', client_order_id: 'paper-twice' });
    market.prices.BTCUSDT = 10_000;
    const again = await exchange.placeMarketOrder({ symbol: 'BTCUSDT', side: 'BUY', quote_quantity: '50', client_order_id: 'paper-twice' });
    market.prices.BTCUSDT = 60_000;
    expect(again).toEqual(first);
    expect(again.executed_quantity).toBe('0.0008333333');
  });

  it('fills once when requests with the same client ID race', async () => {
    const orders = await Promise.all(Array.from({ length: 5 }, () => exchange.placeMarketOrder({ symbol: 'BTCUSDT', side: 'BUY', quote_quantity: '10', client_order_id: 'paper-race' })));
    expect(new Set(orders.map((order) => order.exchange_order_id)).size).toBe(1);
  });

  it('keeps its book in the database: a new exchange (a restarted worker) finds the order by client ID', async () => {
    const placed = await exchange.placeMarketOrder({ symbol: 'BTCUSDT', side: 'BUY', quote_quantity: '25', client_order_id: 'paper-crash' });
    const restarted = createPaperExchange(orm, settablePrices({}).provider);
    expect(await restarted.findOrder('BTCUSDT', 'paper-crash')).toEqual(placed);
    expect(await restarted.findOrder('BTCUSDT', 'paper-never-sent')).toBeNull();
  });

  it('returns a filled order unchanged on cancel, and null for an unknown one', async () => {
    const placed = await exchange.placeMarketOrder({ symbol: 'BTCUSDT', side: 'BUY', quote_quantity: '5', client_order_id: 'paper-cancel' });
    expect(await exchange.cancelOrder('BTCUSDT', 'paper-cancel')).toEqual(placed);
    expect(await exchange.cancelOrder('BTCUSDT', 'paper-cancel-unknown')).toBeNull();
  });

  it('rejects bad sizes as business failures, without asking for a price or writing anything', async () => {
    const asked = market.asked();
    for (const size of [{ quote_quantity: '-5' }, { quantity: '0' }, { quantity: 'abc' }, {}, { quantity: '1', quote_quantity: '1' }]) {
      expect(await rejectionType(exchange.placeMarketOrder({ symbol: 'BTCUSDT', side: 'BUY', ...size, client_order_id: 'paper-bad' }))).toBe('business:OrderRejected:false');
    }
    expect(market.asked()).toBe(asked);
    expect(await exchange.findOrder('BTCUSDT', 'paper-bad')).toBeNull();
  });

  it('passes an unknown symbol on as the business failure it is, and waits (retryable) rather than fill at a stale price', async () => {
    expect(await rejectionType(exchange.placeMarketOrder({ symbol: 'NOPEUSDT', side: 'BUY', quote_quantity: '5', client_order_id: 'paper-symbol' }))).toBe('business:InvalidSymbol:false');
    market.setStale(true);
    expect(await rejectionType(exchange.placeMarketOrder({ symbol: 'BTCUSDT', side: 'BUY', quote_quantity: '5', client_order_id: 'paper-stale' }))).toMatch(/^network:.*:true$/);
    market.setStale(false);
    expect(await exchange.findOrder('BTCUSDT', 'paper-stale')).toBeNull();
  });
});

describe('exchange selection', () => {
  const paper = { name: 'paper' } as Exchange;
  const live = { name: 'binance' } as Exchange;

  it('sends a dry-run bot to paper whatever the provider, a live bot to binance, and refuses a live bot without binance', () => {
    expect(exchangeForBot({ id: 1, dry_run: true }, 'binance', { paper, live }).name).toBe('paper');
    expect(exchangeForBot({ id: 1, dry_run: true }, 'paper', { paper }).name).toBe('paper');
    expect(exchangeForBot({ id: 2, dry_run: false }, 'binance', { paper, live }).name).toBe('binance');
    expect(() => exchangeForBot({ id: 3, dry_run: false }, 'paper', { paper, live })).toThrow(/bot 3 trades live/);
  });
});
