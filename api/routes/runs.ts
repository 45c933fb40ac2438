import { Hono } from 'hono';
import { z } from 'zod';
import { inTransaction, type Orm } from '../../db/orm.ts';
import { findRun } from '../../db/repositories/jobRuns.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { idText, pathParamsOf } from '../validation.ts';
import { runView } from '../views.ts';

export function runRoutes({ orm }: { orm: Orm }) {
  return new Hono().get('/:run_id', async (c) => {
    const { run_id } = pathParamsOf(c, z.object({ run_id: idText }));
    const run = await inTransaction(orm, (em) => findRun(em, run_id));
    if (!run) throw new NotFoundError(`run ${run_id} does not exist`);
    return c.json(runView(run));
  });
}
