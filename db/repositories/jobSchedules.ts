import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import { JobSchedule, type JobState } from '../entities/index.ts';
import { toPage, type Page } from '../pagination.ts';
import type { JobPolicies } from '../../lib/jobPolicies.ts';

export interface NewJobSchedule {
  user_id: number;
  name: string;
  job_type: string;
  target: string;
  task_params: Record<string, unknown>;
  cron: string;
  timezone: string;
  enabled: boolean;
}


/** A new row; the scheduler writes it `pending` and marks it `active` once its Temporal Schedule exists. */
export function addJobSchedule(em: EntityManager, job: NewJobSchedule & Partial<JobPolicies>, state: JobState = 'active'): JobSchedule {
  return em.create(JobSchedule, { ...job, next_run_at: null, schedule_id: null, state });
}

/** A job users can see: rows still pending or being deleted are not found unless asked for. */
export function findJobSchedule(em: EntityManager, id: number, states: JobState[] = ['active']): Promise<JobSchedule | null> {
  return em.findOne(JobSchedule, { id, state: { $in: states } });
}

/** Rows a crash or an outage left half-way (pending or deleting) since before `before`. */
export function findUnsettledJobSchedules(em: EntityManager, before: Date): Promise<JobSchedule[]> {
  return em.find(JobSchedule, { state: { $in: ['pending', 'deleting'] }, updated_at: { $lt: before } }, { orderBy: { id: 'asc' } });
}

/** Every job users can see, for the schedule reconciler to hold against Temporal. */
export function findActiveJobSchedules(em: EntityManager): Promise<JobSchedule[]> {
  return em.find(JobSchedule, { state: 'active' }, { orderBy: { id: 'asc' } });
}

/** The ids of all rows whatever their state: a schedule whose row is pending or deleting is not an orphan. */
export async function allJobScheduleIds(em: EntityManager): Promise<Set<number>> {
  const rows = await em.find(JobSchedule, {}, { fields: ['id'] });
  return new Set(rows.map((row) => row.id));
}

export interface JobScheduleFilter {
  job_type?: string;
  user_id?: number;
  enabled?: boolean;
  cursor?: number;
  limit: number;
}

/** Oldest first, so pages stay stable while new jobs are added. */
export async function listJobSchedules(em: EntityManager, filter: JobScheduleFilter): Promise<Page<JobSchedule>> {
  const where: FilterQuery<JobSchedule> = { state: 'active' };
  if (filter.job_type) where.job_type = filter.job_type;
  if (filter.user_id !== undefined) where.user_id = filter.user_id;
  if (filter.enabled !== undefined) where.enabled = filter.enabled;
  if (filter.cursor !== undefined) where.id = { $gt: filter.cursor };
  const rows = await em.find(JobSchedule, where, { orderBy: { id: 'asc' }, limit: filter.limit + 1 });
  return toPage(rows, filter.limit, (job) => job.id);
}
