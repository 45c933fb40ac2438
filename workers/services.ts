import type { Orm } from '../db/orm.ts';
import type { Config } from '../lib/config.ts';
import type { Logger } from '../lib/logger.ts';
import { createMarketDataProvider, type MarketDataProvider } from '../lib/marketData/index.ts';
import { createNotifier, type Notifier } from '../lib/notify/index.ts';
import { CircuitBreakers } from '../lib/resilience.ts';
import type { TemporalClient } from '../lib/temporal.ts';

/** What activity factories build from: one set per worker process, each outside dependency behind its breaker. */
export interface WorkerServices {
  config: Config;
  orm: Orm;
  logger: Logger;
  /** The client side of Temporal, for activities that change jobs the way the API does (a failure streak or a one-shot alert pausing its job). */
  temporal: TemporalClient;
  /** Names the worker process in every run it records. */
  workerId: string;
  marketData: MarketDataProvider;
  notifier: Notifier;
}

export function createWorkerServices(config: Config, base: { orm: Orm; temporal: TemporalClient; logger: Logger; workerId: string }): WorkerServices {
  const breakers = new CircuitBreakers();
  return {
    ...base,
    config,
    marketData: createMarketDataProvider(config.market_data, breakers),
    notifier: createNotifier(config.notify, base.logger, breakers),
  };
}
