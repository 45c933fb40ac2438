import type { Orm } from '../db/orm.ts';
import type { Config } from '../lib/config.ts';
import type { Logger } from '../lib/logger.ts';
import { withLastKnownPrice } from '../lib/marketData/lastKnownPrice.ts';
import { createMarketDataProvider, type MarketDataProvider } from '../lib/marketData/index.ts';
import { createChannels, type Channels } from '../lib/notify/index.ts';
import { DatabaseBreakerStore } from '../db/repositories/circuitBreakers.ts';
import { ErrorEventRecorder } from '../lib/errorEvents.ts';
import { CircuitBreakers } from '../lib/resilience.ts';
import type { TemporalClient } from '../lib/temporal.ts';
import type { Exchanges } from '../lib/exchange/exchangeForBot.ts';
import { createExchanges } from '../lib/exchange/exchanges.ts';

/** What activity factories build from: one set per worker process, each outside dependency behind its breaker. */
export interface WorkerServices {
  config: Config;
  orm: Orm;
  logger: Logger;
  /** Names the worker process in every run it records. */
  workerId: string;
  /** The client side of Temporal: activities that change jobs the way the API does (a failure streak or a one-shot alert pausing its job) or kick the outbox's delivery. */
  temporal: TemporalClient;
  marketData: MarketDataProvider;
  channels: Channels;
  /** Error events of this process, written in batches off the caller's path; close() at shutdown writes the rest. */
  errorEvents: ErrorEventRecorder;
  /** Shared with every worker process through the database; close() stops its sync timer. */
  breakers: CircuitBreakers;
  /** Paper for dry-run bots; the Binance-format adapter too when EXCHANGE_PROVIDER is binance. */
  exchanges: Exchanges;
}

export function createWorkerServices(config: Config, base: { orm: Orm; temporal: TemporalClient; logger: Logger; workerId: string }): WorkerServices {
  const errorEvents = new ErrorEventRecorder(base.orm, base.logger);
  const breakers = new CircuitBreakers({
    configs: config.error_handling.circuit_breakers,
    store: new DatabaseBreakerStore(base.orm),
    syncIntervalMs: config.error_handling.circuit_breaker_sync_ms,
    bulkheads: config.error_handling.bulkheads,
    logger: base.logger,
    errorEvents,
  });
  const marketData = withLastKnownPrice(createMarketDataProvider(config.market_data, breakers), config.error_handling.recovery.price_fallback_max_age * 1000);
  return {
    ...base,
    config,
    errorEvents,
    breakers,
    marketData,
    exchanges: createExchanges(config.exchange, base.orm, marketData),
    channels: createChannels(config.notify, base.logger, breakers),
  };
}
