import { Hono } from 'hono';
import { z } from 'zod';
import { inTransaction, type Orm } from '../../db/orm.ts';
import { decodeCursor } from '../../db/pagination.ts';
import { listFires } from '../../db/repositories/fireRecords.ts';
import { listAlerts } from '../../db/repositories/alerts.ts';
import { listRuns } from '../../db/repositories/jobRuns.ts';
import { findJobSchedule } from '../../db/repositories/jobSchedules.ts';
import { RUN_STATUSES } from '../../db/entities/index.ts';
import { NotFoundError, ValidationError } from '../../lib/errors.ts';
import type { JobReconciliation } from '../../lib/jobReconciler.ts';
import type { JobScheduler } from '../../lib/jobScheduler.ts';
import { JOB_TYPE_NAMES, jobTypeDefinition } from '../../lib/jobTypes.ts';
import type { Config } from '../../lib/config.ts';
import { assertCronFires } from '../../lib/cronFires.ts';
import { defaultPoliciesFor } from '../../lib/jobPolicies.ts';
import type { Logger } from '../../lib/logger.ts';
import type { TemporalClient } from '../../lib/temporal.ts';
import { assertTradingAllowed, assertTradingAllowedIn } from '../../trading/killSwitch.ts';
import { idempotent } from '../idempotency.ts';
import { assertJobBotFits } from '../tradingJobBot.ts';
import { assertEndAfterStart, instant, jobPolicyFields, overlapPolicy } from '../jobPolicyFields.ts';
import { fieldErrorsOf, idText, INT32_MAX, jsonBody, optionalJsonBody, pathParamsOf, positiveInt32, queryOf, text } from '../validation.ts';
import { alertView, fireView, jobView, jobWithScheduleView, runView } from '../views.ts';

export interface JobsDeps {
  orm: Orm;
  scheduler: JobScheduler;
  reconciler: Pick<JobReconciliation, 'reconcileNow'>;
  temporal: TemporalClient;
  config: Config;
  logger: Logger;
}

const timeZone = text().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as UTC or Europe/London');

const jobFields = {
  name: text().trim().min(1).max(200),
  target: text().trim().min(1).max(200),
  task_params: z.record(z.string(), z.unknown()),
  cron: text().trim().min(1).max(200),
};

const newJobSchema = z.strictObject({
  ...jobFields,
  job_type: text().refine((type) => jobTypeDefinition(type) !== undefined, { message: `must be one of ${JOB_TYPE_NAMES.join(', ')}` }),
  timezone: timeZone.default('UTC'),
  enabled: z.boolean().default(true),
  user_id: positiveInt32,
  ...z.object(jobPolicyFields).partial().shape,
});

/** Everything of a job but its owner and type may change; any other field (job_type, user_id, a typo) is a 422 naming it. */
const jobPatchSchema = z.strictObject({ ...jobFields, timezone: timeZone, enabled: z.boolean(), ...jobPolicyFields }).partial();

const note = z.strictObject({ note: text().trim().min(1).max(500).optional() });
const triggerSchema = z.strictObject({ overlap: z.enum(['skip', 'allow_all'], 'a manual trigger starts at once or not at all: skip or allow_all').optional() });
const backfillSchema = z.strictObject({ start_time: instant, end_time: instant, overlap: overlapPolicy.optional() });

const idParam = z.object({ id: idText });
export const cursor = text()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return undefined;
    const id = decodeCursor(value);
    if (id === undefined || id > INT32_MAX) ctx.addIssue({ code: 'custom', message: 'is not a cursor this API gave out' });
    return id;
  });
export const limit = z
  .string()
  .regex(/^[0-9]{1,6}$/, 'must be a decimal integer')
  .transform(Number)
  .pipe(z.number().min(1).max(200))
  .default(50);
const booleanText = z.enum(['true', 'false']).transform((value) => value === 'true');

const listJobsQuery = z.object({ job_type: text().max(64).optional(), user_id: idText.optional(), enabled: booleanText.optional(), cursor, limit });
const listRunsQuery = z.object({ status: z.enum(RUN_STATUSES).optional(), cursor, limit });
const listAlertsQuery = z.object({ cursor, limit });

/** A fires cursor is the nominal time (ms) of the last item seen. */
const fireCursor = text()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return undefined;
    const after = decodeCursor(value);
    if (after === undefined) ctx.addIssue({ code: 'custom', message: 'is not a cursor this API gave out' });
    return after;
  });
const DAY_MS = 86_400_000;
/** from and to default to the last day (to: now, or from if that is later); to before from is a 422 on `to`. */
const listFiresQuery = z
  .object({ from: instant.optional(), to: instant.optional(), cursor: fireCursor, limit })
  .transform((query, ctx) => {
    const to = query.to ?? new Date(Math.max(Date.now(), query.from?.getTime() ?? 0));
    const from = query.from ?? new Date(to.getTime() - DAY_MS);
    if (to < from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    return { ...query, from, to };
  });

/** Each job type validates its own target and task_params (errors name the field inside them); what is stored is the parsed params, defaults included. */
function withJobTypeFields<J extends { target?: string; task_params?: Record<string, unknown> }>(jobType: string, job: J): J {
  const definition = jobTypeDefinition(jobType)!;
  const target = job.target === undefined ? undefined : definition.target.safeParse(job.target);
  const params = job.task_params === undefined ? undefined : definition.taskParams.safeParse(job.task_params);
  const errors = [
    ...(target && !target.success ? target.error.issues.map((issue) => ({ path: 'target', message: issue.message })) : []),
    ...(params && !params.success ? fieldErrorsOf(params.error, ['task_params']) : []),
  ];
  if (errors.length) throw new ValidationError(errors);
  return params?.success ? { ...job, task_params: params.data } : job;
}

export function jobRoutes({ orm, scheduler, reconciler, temporal, config, logger }: JobsDeps) {
  // While the kill switch is engaged nothing may start or re-arm a trading job: 409 (trading/killSwitch.ts).
  const isTradingJob = (jobType: string) => jobTypeDefinition(jobType)?.taskQueue === 'trading';
  const assertMayTrade = async (jobType: string) => {
    if (isTradingJob(jobType)) await assertTradingAllowed(orm);
  };
  return new Hono()
    // Admin: the API key is the admin key. Waits for a periodic pass in progress, then runs one and answers what it changed.
    .post('/reconcile', async (c) => c.json(await reconciler.reconcileNow()))
    .post('/', idempotent(orm, logger), async (c) => {
      const body = await jsonBody(c, newJobSchema);
      const input = { ...defaultPoliciesFor(config, jobTypeDefinition(body.job_type)!), ...withJobTypeFields(body.job_type, body) };
      assertEndAfterStart(input);
      await assertJobBotFits(orm, input);
      if (input.enabled) await assertMayTrade(input.job_type);
      await assertCronFires(temporal, input, config.schedule.min_interval_ms, logger);
      const job = await scheduler.create(input);
      return c.json(jobView(job), 201, { location: `/jobs/${job.id}` });
    })
    .get('/', async (c) => {
      const query = queryOf(c, listJobsQuery);
      const page = await scheduler.list(query);
      return c.json({ items: page.items.map(jobView), next_cursor: page.next_cursor });
    })
    .get('/:id', async (c) => {
      const { id } = pathParamsOf(c, idParam);
      const { job, schedule } = await scheduler.get(id);
      return c.json(jobWithScheduleView(job, schedule));
    })
    .patch('/:id', async (c) => {
      const { id } = pathParamsOf(c, idParam);
      const body = await jsonBody(c, jobPatchSchema);
      const current = await scheduler.find(id);
      const patch = withJobTypeFields(current.job_type, body);
      assertEndAfterStart({ start_at: patch.start_at === undefined ? current.start_at : patch.start_at, end_at: patch.end_at === undefined ? current.end_at : patch.end_at });
      if (patch.target !== undefined || patch.task_params !== undefined) {
        await assertJobBotFits(orm, { job_type: current.job_type, user_id: current.user_id, target: patch.target ?? current.target, task_params: patch.task_params ?? current.task_params });
      }
      if (patch.enabled === true) await assertMayTrade(current.job_type);
      if (patch.cron !== undefined || patch.timezone !== undefined) {
        await assertCronFires(temporal, { cron: patch.cron ?? current.cron, timezone: patch.timezone ?? current.timezone }, config.schedule.min_interval_ms, logger);
      }
      return c.json(jobView(await scheduler.update(id, patch)));
    })
    .post('/:id/pause', async (c) => {
      const { id } = pathParamsOf(c, idParam);
      const body = await optionalJsonBody(c, note);
      return c.json(jobView(await scheduler.pause(id, body.note)));
    })
    .post('/:id/resume', async (c) => {
      const { id } = pathParamsOf(c, idParam);
      const body = await optionalJsonBody(c, note);
      await assertMayTrade((await scheduler.find(id)).job_type);
      return c.json(jobView(await scheduler.resume(id, body.note)));
    })
    .post('/:id/backfill', idempotent(orm, logger), async (c) => {
      const { id } = pathParamsOf(c, idParam);
      const body = await jsonBody(c, backfillSchema);
      if (body.end_time <= body.start_time) throw new ValidationError([{ path: 'end_time', message: 'must be after start_time' }]);
      await assertMayTrade((await scheduler.find(id)).job_type);
      const { fires } = await scheduler.backfill(id, { start: body.start_time, end: body.end_time, overlap: body.overlap }, config.schedule.max_backfill_fires);
      return c.json({ fires }, 202);
    })
    .delete('/:id', async (c) => {
      const { id } = pathParamsOf(c, idParam);
      await scheduler.delete(id);
      return c.body(null, 204);
    })
    .post('/:id/trigger', idempotent(orm, logger), async (c) => {
      const { id } = pathParamsOf(c, idParam);
      const { overlap } = await optionalJsonBody(c, triggerSchema);
      const { workflow_id, run_id } = await scheduler.trigger(id, overlap, async (em, job) => {
        if (isTradingJob(job.job_type)) await assertTradingAllowedIn(em);
      });
      return c.json({ workflow_id, run_id }, 202);
    })
    .get('/:id/fires', async (c) => {
      const { id } = pathParamsOf(c, idParam);
      const query = queryOf(c, listFiresQuery);
      const page = await inTransaction(orm, async (em) => {
        if (!(await findJobSchedule(em, id))) throw new NotFoundError(`job ${id} does not exist`);
        return listFires(em, { job_id: id, from: query.from, to: query.to, after: query.cursor, limit: query.limit });
      });
      return c.json({ items: page.items.map(fireView), next_cursor: page.next_cursor });
    })
    .get('/:id/runs', async (c) => {
      const { id } = pathParamsOf(c, idParam);
      const query = queryOf(c, listRunsQuery);
      const page = await inTransaction(orm, async (em) => {
        if (!(await findJobSchedule(em, id))) throw new NotFoundError(`job ${id} does not exist`);
        return listRuns(em, { ...query, job_id: id });
      });
      return c.json({ items: page.items.map(runView), next_cursor: page.next_cursor });
    })
    // The alerts the job fired, newest first.
    .get('/:id/alerts', async (c) => {
      const { id } = pathParamsOf(c, idParam);
      const query = queryOf(c, listAlertsQuery);
      const page = await inTransaction(orm, async (em) => {
        if (!(await findJobSchedule(em, id))) throw new NotFoundError(`job ${id} does not exist`);
        return listAlerts(em, { ...query, job_id: id });
      });
      return c.json({ items: page.items.map(alertView), next_cursor: page.next_cursor });
    });
}
