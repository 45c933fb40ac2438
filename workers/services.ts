import type { Orm } from '../db/orm.ts';
import type { Config } from '../lib/config.ts';
import type { Logger } from '../lib/logger.ts';
import { createMarketDataProvider, type MarketDataProvider } from '../lib/marketData/index.ts';
import { createChannels, type Channels } from '../lib/notify/index.ts';
import { CircuitBreakers } from '../lib/resilience.ts';
import type { TemporalClient } from '../lib/temporal.ts';

/** What activity factories build from: one set per worker process, each outside dependency behind its breaker. */
export interface WorkerServices {
  config: Config;
  orm: Orm;
  logger: Logger;
  /** Names the worker process in every run it records. */
  workerId: string;
  /** A Temporal client, for activities that start or signal workflows (the outbox's delivery kick). */
  temporal: TemporalClient;
  marketData: MarketDataProvider;
  channels: Channels;
}

export function createWorkerServices(config: Config, base: { orm: Orm; logger: Logger; workerId: string; temporal: TemporalClient }): WorkerServices {
  const breakers = new CircuitBreakers();
  return {
    ...base,
    config,
    marketData: createMarketDataProvider(config.market_data, breakers),
    channels: createChannels(config.notify, base.logger, breakers),
  };
}
