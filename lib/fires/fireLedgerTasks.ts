import type { Orm } from '../../db/orm.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { ApiMetrics } from '../metrics.ts';
import type { Notifier } from '../notify/index.ts';
import { runPeriodically, type PeriodicTask } from '../periodic.ts';
import type { TemporalClient } from '../temporal.ts';
import { recordEnqueuedRuns } from './enqueuedRuns.ts';
import { FireLedger } from './fireLedger.ts';
import { createFireReporter } from './fireReporter.ts';

export interface FireLedgerTaskDeps {
  orm: Orm;
  temporal: TemporalClient;
  logger: Logger;
  metrics: Pick<ApiMetrics, 'scheduleFires' | 'scheduleLag'>;
  notifier: Notifier;
  config: Config['fires'];
}

/**
 * The API process's two fire tasks: the ledger pass (every fires.ledger_interval_ms) and the watcher that shows runs the
 * schedule started as ENQUEUED (every fires.watch_interval_ms). A failed pass (Temporal or the database down) is logged;
 * the next one catches up. stop() waits for both.
 */
export function startFireLedgerTasks(deps: FireLedgerTaskDeps): PeriodicTask {
  const logger = deps.logger.child({ component: 'fire-ledger' });
  const report = createFireReporter({ logger, notifier: deps.notifier, fires: deps.metrics.scheduleFires, lag: deps.metrics.scheduleLag, notifyIntervalMs: deps.config.notify_interval_ms });
  const ledger = new FireLedger({ ...deps, logger, report }, deps.config.grace_ms);

  const settling = runPeriodically(async () => {
    try {
      const settled = await ledger.settleAll();
      if (settled.length) logger.debug({ settled: settled.length }, 'fires settled');
    } catch (error) {
      logger.warn({ err: error }, 'fire ledger pass failed; retrying next interval');
    }
  }, deps.config.ledger_interval_ms);

  let lastSuccessStartedAt: number | undefined;
  const watching = runPeriodically(async () => {
    const startedAt = Date.now();
    try {
      // The first pass looks at every open job workflow; later ones at those started since the last success, with a margin for visibility's lag.
      await recordEnqueuedRuns({ ...deps, logger }, lastSuccessStartedAt === undefined ? undefined : new Date(lastSuccessStartedAt - 60_000));
      lastSuccessStartedAt = startedAt;
    } catch (error) {
      logger.warn({ err: error }, 'could not look for runs to show as ENQUEUED; retrying next interval');
    }
  }, deps.config.watch_interval_ms);

  return {
    async stop() {
      await Promise.all([settling.stop(), watching.stop()]);
    },
  };
}
