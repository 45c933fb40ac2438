import { createJobRunActivities } from '../activities/jobRuns.ts';
import { createMarketDataActivities } from '../activities/marketData.ts';
import { createNotificationActivities } from '../activities/notifications.ts';
import type { Orm } from '../db/orm.ts';
import type { MarketDataProvider } from '../lib/marketData/index.ts';
import type { Notifier } from '../lib/notify/index.ts';

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
