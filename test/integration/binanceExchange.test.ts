import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBinanceExchange, signedQuery } from '../../lib/exchange/binanceExchange.ts';
import { OrderOutcomeUnknown, type Exchange } from '../../lib/exchange/exchange.ts';
import { settleOrder } from '../../lib/exchange/settleOrder.ts';
import { KeelError } from '../../lib/errors.ts';
import { FAKE_API_KEY, FAKE_API_SECRET, startFakeExchange, type FakeExchange } from '../helpers/fakeExchange.ts';

const RECV_WINDOW_MS = 1_500;

// The Binance-format order adapter over real HTTP against an exchange of the test's own that checks signatures.
describe('Binance-format exchange adapter', () => {
  let fake: FakeExchange;
  let exchange: Exchange;
  let n = 0;
  const nextId = () => `test-${Date.now()}-${n++}`;

  beforeAll(async () => {
    fake = await startFakeExchange({ BTCUSDT: 50_000 });
    exchange = createBinanceExchange({ baseUrl: fake.url, apiKey: FAKE_API_KEY, apiSecret: FAKE_API_SECRET, timeoutMs: 500, recvWindowMs: RECV_WINDOW_MS });
  });

  afterAll(async () => {
    await fake?.close();
  });

  beforeEach(() => {
    fake.faults.length = 0;
  });

  it("signs the query as Binance's own documentation example does (HMAC-SHA256 of everything before the signature)", () => {
    const secret = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
    const params = { symbol: 'LTCBTC', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '1', price: '0.1' };
    expect(signedQuery(params, secret, 1_499_827_319_559, 5_000)).toBe(
      'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71',
    );
  });

  it('places a market order sized in quote currency, finds it by client ID, and a cancel of a filled order returns it as it is', async () => {
    const id = nextId();
    const placed = await exchange.placeMarketOrder({ symbol: 'BTCUSDT', side: 'BUY', quote_quantity: '100', client_order_id: id });
    expect(placed).toMatchObject({ client_order_id: id, status: 'FILLED', executed_quantity: '0.00200000', executed_quote_quantity: '100.00000000' });
    expect(await exchange.findOrder('BTCUSDT', id)).toEqual(placed);
    expect(await exchange.cancelOrder('BTCUSDT', id)).toEqual(placed);
    expect(await exchange.findOrder('BTCUSDT', 'never-placed')).toBeNull();
  });

  it('treats a repeated client order ID as the order already placed: one order at the exchange', async () => {
    const id = nextId();
    const first = await exchange.placeMarketOrder({ symbol: 'BTCUSDT', side: 'BUY', quote_quantity: '100', client_order_id: id });
    const again = await exchange.placeMarketOrder({ symbol: 'BTCUSDT', side: 'BUY', quote_quantity: '100', client_order_id: id });
    expect(again).toEqual(first);
    expect([...fake.orders.values()].filter((order) => order.clientOrderId === id)).toHaveLength(1);
  });

  it('turns a -2010 rejection into a non-retryable OrderRejected, and a bad signature is never an unknown outcome', async () => {
    fake.quoteBalance = 50;
    const rejected = await exchange.placeMarketOrder({ symbol: 'BTCUSDT', side: 'BUY', quote_quantity: '100', client_order_id: nextId() }).catch((error: unknown) => error);
    fake.quoteBalance = 1_000_000;
    expect(rejected).toBeInstanceOf(KeelError);
    expect(rejected).toMatchObject({ type: 'OrderRejected', retryable: false, message: expect.stringContaining('insufficient balance') });

    const badKey = createBinanceExchange({ baseUrl: fake.url, apiKey: FAKE_API_KEY, apiSecret: 'wrong', timeoutMs: 500, recvWindowMs: RECV_WINDOW_MS });
    const refused = await badKey.placeMarketOrder({ symbol: 'BTCUSDT', side: 'BUY', quote_quantity: '1', client_order_id: nextId() }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ type: 'OrderRejected', retryable: false });
    expect((refused as Error).message).not.toContain('wrong');
  });

  it('an answer lost after the order was placed (5xx) is an unknown outcome, and the lookup finds the one order', async () => {
    const id = nextId();
    fake.faults.push({ kind: 'lose-answer' });
    const error = await exchange.placeMarketOrder({ symbol: 'BTCUSDT', side: 'BUY', quote_quantity: '100', client_order_id: id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrderOutcomeUnknown);
    expect(error).toMatchObject({ retryable: true, clientOrderId: id });

    const settled = await settleOrder(exchange, { symbol: 'BTCUSDT', client_order_id: id }, Date.now(), RECV_WINDOW_MS);
    expect(settled).toMatchObject({ state: 'exists', order: { client_order_id: id, status: 'FILLED' } });
    expect([...fake.orders.values()].filter((order) => order.clientOrderId === id)).toHaveLength(1);
  });

  it('-1001 and a refusal before placing are unknown too; "not found" becomes final only once the recvWindow has passed', async () => {
    for (const fault of [{ kind: 'internal-1001' }, { kind: 'unavailable' }] as const) {
      const id = nextId();
      fake.faults.push(fault);
      await expect(exchange.placeMarketOrder({ symbol: 'BTCUSDT', side: 'BUY', quote_quantity: '100', client_order_id: id })).rejects.toBeInstanceOf(OrderOutcomeUnknown);
      const sentNoLaterThan = Date.now();
      const early = await settleOrder(exchange, { symbol: 'BTCUSDT', client_order_id: id }, sentNoLaterThan, RECV_WINDOW_MS);
      expect(early).toMatchObject({ state: 'undecided' });
      const late = await settleOrder(exchange, { symbol: 'BTCUSDT', client_order_id: id }, sentNoLaterThan, RECV_WINDOW_MS, () => sentNoLaterThan + RECV_WINDOW_MS + 1_001);
      expect(late).toEqual({ state: 'absent' });
    }
  });

  it('a request that timed out but executes later is found by waiting out the window, never placed twice', async () => {
    const id = nextId();
    // Held past the client's 500 ms timeout, then executed while still inside its 1.5 s window.
    fake.faults.push({ kind: 'hold', ms: 900 });
    const sentNoLaterThan = Date.now() + 500;
    await expect(exchange.placeMarketOrder({ symbol: 'BTCUSDT', side: 'BUY', quote_quantity: '100', client_order_id: id })).rejects.toBeInstanceOf(OrderOutcomeUnknown);

    let settled = await settleOrder(exchange, { symbol: 'BTCUSDT', client_order_id: id }, sentNoLaterThan, RECV_WINDOW_MS);
    while (settled.state === 'undecided') {
      await new Promise((resolve) => setTimeout(resolve, Math.min(settled.state === 'undecided' ? settled.retryInMs : 0, 200)));
      settled = await settleOrder(exchange, { symbol: 'BTCUSDT', client_order_id: id }, sentNoLaterThan, RECV_WINDOW_MS);
    }
    expect(settled).toMatchObject({ state: 'exists', order: { client_order_id: id } });
    expect(fake.orderRequests).toBeGreaterThan(0);
    expect([...fake.orders.values()].filter((order) => order.clientOrderId === id)).toHaveLength(1);
  });

  it("reads a symbol's LOT_SIZE from exchangeInfo once, refuses an unknown symbol, and an order off the step is rejected, never unknown", async () => {
    fake.lotSizes.set('ETHUSDT', { stepSize: '0.00010000', minQty: '0.00100000' });
    fake.prices.set('ETHUSDT', 3_000);
    const counting = createBinanceExchange({ baseUrl: fake.url, apiKey: FAKE_API_KEY, apiSecret: FAKE_API_SECRET, timeoutMs: 500, recvWindowMs: RECV_WINDOW_MS });
    expect(await counting.lotSize('ETHUSDT')).toEqual({ step: '0.0001', min: '0.001' });
    // Cached: the exchange's figure stands while the fake's changes unseen.
    fake.lotSizes.set('ETHUSDT', { stepSize: '1.00000000', minQty: '1.00000000' });
    expect(await counting.lotSize('ETHUSDT')).toEqual({ step: '0.0001', min: '0.001' });
    fake.lotSizes.set('ETHUSDT', { stepSize: '0.00010000', minQty: '0.00100000' });
    await expect(counting.lotSize('NOPEUSDT')).rejects.toMatchObject({ type: 'UnknownSymbol', retryable: false });

    await expect(exchange.placeMarketOrder({ symbol: 'ETHUSDT', side: 'SELL', quantity: '0.00123', client_order_id: nextId() })).rejects.toMatchObject({ type: 'OrderRejected', retryable: false });
    expect(await exchange.placeMarketOrder({ symbol: 'ETHUSDT', side: 'SELL', quantity: '0.0012', client_order_id: nextId() })).toMatchObject({ status: 'FILLED', executed_quantity: '0.00120000' });
  });
});
