import { createJobRunActivities } from '../activities/jobRuns.ts';
import { createMarketDataActivities } from '../activities/marketData.ts';
import { createNotificationActivities } from '../activities/notifications.ts';
import type { Orm } from '../db/orm.ts';
import type { Config } from '../lib/config.ts';
import type { Logger } from '../lib/logger.ts';
import { createMarketDataProvider, type MarketDataProvider } from '../lib/marketData/index.ts';
import { createNotifier, type Notifier } from '../lib/notify/index.ts';
import { CircuitBreakers } from '../lib/resilience.ts';

export interface ActivityDeps {
  orm: Orm;
  workerId: string;
  marketData: MarketDataProvider;
  notifier: Notifier;
}

/** Every activity a job workflow may call, built from its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createJobRunActivities(deps),
    ...createMarketDataActivities(deps),
    ...createNotificationActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;

/** The activities with the outside world the config names, each dependency behind its own circuit breaker. */
export function createConfiguredActivities(config: Config, deps: { orm: Orm; logger: Logger; workerId: string }): Activities {
  const breakers = new CircuitBreakers();
  return createActivities({
    ...deps,
    marketData: createMarketDataProvider(config.market_data, breakers),
    notifier: createNotifier(config.notify, deps.logger, breakers),
  });
}
