import type { Counter, Histogram } from 'prom-client';
import type { JobSchedule } from '../../db/entities/index.ts';
import type { Logger } from '../logger.ts';
import type { Notifier } from '../notify/index.ts';
import type { FireDecision } from './fireOutcome.ts';

export interface FireReporterDeps {
  logger: Logger;
  notifier: Notifier;
  fires: Counter<'job_type' | 'outcome'>;
  lag: Histogram<'job_type'>;
  /** A job's owner is told at most once per this interval; the fires in between are counted in the next message. */
  notifyIntervalMs: number;
  /** The clock the rate limit reads (tests turn it). */
  now?: () => number;
}

export type FireReporter = (job: JobSchedule, decision: FireDecision) => Promise<void>;

/** Every settled fire is counted; one that did not start is also logged and told to the job's owner, rate-limited per job. */
export function createFireReporter(deps: FireReporterDeps): FireReporter {
  const lastToldAt = new Map<number, number>();
  const untold = new Map<number, number>();

  return async (job, decision) => {
    deps.fires.inc({ job_type: job.job_type, outcome: decision.outcome });
    if (decision.outcome === 'started') {
      if (decision.delay_ms !== null) deps.lag.observe({ job_type: job.job_type }, decision.delay_ms / 1000);
      return;
    }
    const nominal = decision.nominal_time.toISOString();
    deps.logger.warn({ job_id: job.id, job_type: job.job_type, nominal_time: nominal, outcome: decision.outcome, reason: decision.reason, run_id: decision.run_id }, 'a schedule fire did not start');
    const now = (deps.now ?? Date.now)();
    const last = lastToldAt.get(job.id);
    if (last !== undefined && now - last < deps.notifyIntervalMs) {
      untold.set(job.id, (untold.get(job.id) ?? 0) + 1);
      return;
    }
    lastToldAt.set(job.id, now);
    const earlier = untold.get(job.id) ?? 0;
    untold.delete(job.id);
    try {
      await deps.notifier.send({
        idempotency_key: `fire-${job.id}-${nominal}`,
        title: `Job "${job.name}" did not run at ${nominal}: ${decision.outcome}`,
        text: `${decision.reason ?? decision.outcome}${earlier ? ` (and ${earlier} earlier fire(s) of this job did not start either)` : ''}`,
        job_id: job.id,
        user_id: job.user_id,
        data: { job_id: job.id, nominal_time: nominal, outcome: decision.outcome, reason: decision.reason, run_id: decision.run_id, earlier_untold: earlier },
      });
    } catch (error) {
      deps.logger.warn({ err: error, job_id: job.id, nominal_time: nominal }, 'could not notify the owner of a fire that did not start');
    }
  };
}
