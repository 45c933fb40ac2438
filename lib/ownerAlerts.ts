import type { JobSchedule } from '../db/entities/index.ts';
import type { Notifier } from './notify/index.ts';

/** Tells a job's owner something went wrong with the job itself (not a run's own alert); `key` makes a repeat the same message. */
export type OwnerAlert = (job: JobSchedule, alert: { key: string; title: string; text: string; data?: Record<string, unknown> }) => Promise<unknown>;

/** Owner alerts through a notifier (the outbox, from the API process). */
export function ownerAlertsThrough(notifier: Notifier): OwnerAlert {
  return (job, alert) =>
    notifier.send({ idempotency_key: alert.key, title: alert.title, text: alert.text, job_id: job.id, user_id: job.user_id, data: { job_name: job.name, ...alert.data } });
}
