import { Hono } from 'hono';
import { z } from 'zod';
import { inTransaction, type Orm } from '../../db/orm.ts';
import { decodeCursor } from '../../db/pagination.ts';
import { listRuns } from '../../db/repositories/jobRuns.ts';
import { findJobSchedule } from '../../db/repositories/jobSchedules.ts';
import { RUN_STATUSES } from '../../db/entities/index.ts';
import { NotFoundError, ValidationError } from '../../lib/errors.ts';
import type { JobScheduler } from '../../lib/jobScheduler.ts';
import { JOB_TYPE_NAMES, jobTypeDefinition } from '../../lib/jobTypes.ts';
import type { Config } from '../../lib/config.ts';
import { assertCronFires } from '../../lib/cronFires.ts';
import type { Logger } from '../../lib/logger.ts';
import type { TemporalClient } from '../../lib/temporal.ts';
import { idempotent } from '../idempotency.ts';
import { fieldErrorsOf, idText, INT32_MAX, jsonBody, pathParamsOf, positiveInt32, queryOf, text } from '../validation.ts';
import { jobView, jobWithScheduleView, runView } from '../views.ts';

export interface JobsDeps {
  orm: Orm;
  scheduler: JobScheduler;
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

const newJobSchema = z.strictObject({
  name: text().trim().min(1).max(200),
  job_type: text().refine((type) => jobTypeDefinition(type) !== undefined, { message: `must be one of ${JOB_TYPE_NAMES.join(', ')}` }),
  target: text().trim().min(1).max(200),
  task_params: z.record(z.string(), z.unknown()),
  cron: text().trim().min(1).max(200),
  timezone: timeZone.default('UTC'),
  enabled: z.boolean().default(true),
  user_id: positiveInt32,
});

const idParam = z.object({ id: idText });
const cursor = text()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return undefined;
    const id = decodeCursor(value);
    if (id === undefined || id > INT32_MAX) ctx.addIssue({ code: 'custom', message: 'is not a cursor this API gave out' });
    return id;
  });
const limit = z
  .string()
  .regex(/^[0-9]{1,6}$/, 'must be a decimal integer')
  .transform(Number)
  .pipe(z.number().min(1).max(200))
  .default(50);
const booleanText = z.enum(['true', 'false']).transform((value) => value === 'true');

const listJobsQuery = z.object({ job_type: text().max(64).optional(), user_id: idText.optional(), enabled: booleanText.optional(), cursor, limit });
const listRunsQuery = z.object({ status: z.enum(RUN_STATUSES).optional(), cursor, limit });

/** Each job type validates its own target and task_params (errors name the field inside them); what is stored is the parsed params, defaults included. */
function withJobTypeFields(job: z.infer<typeof newJobSchema>): z.infer<typeof newJobSchema> {
  const definition = jobTypeDefinition(job.job_type)!;
  const target = definition.target.safeParse(job.target);
  const params = definition.taskParams.safeParse(job.task_params);
  const errors = [
    ...(target.success ? [] : target.error.issues.map((issue) => ({ path: 'target', message: issue.message }))),
    ...(params.success ? [] : fieldErrorsOf(params.error, ['task_params'])),
  ];
  if (errors.length || !params.success) throw new ValidationError(errors);
  return { ...job, task_params: params.data };
}

export function jobRoutes({ orm, scheduler, temporal, config, logger }: JobsDeps) {
  return new Hono()
    .post('/', idempotent(orm, logger), async (c) => {
      const input = withJobTypeFields(await jsonBody(c, newJobSchema));
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
    .delete('/:id', async (c) => {
      const { id } = pathParamsOf(c, idParam);
      await scheduler.delete(id);
      return c.body(null, 204);
    })
    .post('/:id/trigger', idempotent(orm, logger), async (c) => {
      const { id } = pathParamsOf(c, idParam);
      const { workflow_id, run_id } = await scheduler.trigger(id);
      return c.json({ workflow_id, run_id }, 202);
    })
    .get('/:id/runs', async (c) => {
      const { id } = pathParamsOf(c, idParam);
      const query = queryOf(c, listRunsQuery);
      const page = await inTransaction(orm, async (em) => {
        if (!(await findJobSchedule(em, id))) throw new NotFoundError(`job ${id} does not exist`);
        return listRuns(em, { ...query, job_id: id });
      });
      return c.json({ items: page.items.map(runView), next_cursor: page.next_cursor });
    });
}
