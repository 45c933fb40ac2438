import type { JobSchedule } from '../db/entities/index.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { createNotifier } from './notify/index.ts';
import { CircuitBreakers } from './resilience.ts';

/** Tells a job's owner something went wrong with the job itself (not a run's own alert); `key` makes a repeat the same message. */
export type OwnerAlert = (job: JobSchedule, alert: { key: string; title: string; text: string; data?: Record<string, unknown> }) => Promise<unknown>;

/** Owner alerts from the API process (reconcilers), through the configured notification channel. */
export function createOwnerAlerts(config: Config, logger: Logger): OwnerAlert {
  const notifier = createNotifier(config.notify, logger, new CircuitBreakers());
  return (job, alert) =>
    notifier.send({ idempotency_key: alert.key, title: alert.title, text: alert.text, job_id: job.id, user_id: job.user_id, data: { job_name: job.name, ...alert.data } });
}
