import { Hono } from 'hono';
import { isMigrated, type Orm } from '../../db/orm.ts';
import { runHealthChecks, type HealthCheck } from '../../lib/health.ts';
import { activeTaskQueues } from '../../lib/jobTypes.ts';
import { assertQueueHasLivePollers } from '../../lib/taskQueueHealth.ts';
import { pingTemporal, type TemporalClient } from '../../lib/temporal.ts';

export interface HealthDeps {
  orm: Orm;
  temporal: TemporalClient;
}

const HEALTH_JSON = { 'content-type': 'application/health+json', 'cache-control': 'no-store' };

/** GET /health (overall), /health/live (the process answers), /health/ready (it can do its work). */
export function healthRoutes({ orm, temporal }: HealthDeps) {
  const database: HealthCheck = { name: 'database', critical: true, run: () => orm.em.fork().getConnection().execute('select 1').then(() => undefined) };
  const migrations: HealthCheck = {
    name: 'migrations',
    critical: true,
    run: async () => {
      if (!(await isMigrated(orm))) throw new Error('pending migrations');
    },
  };
  const temporalCheck = (critical: boolean): HealthCheck => ({ name: 'temporal', critical, run: () => pingTemporal(temporal.connection, temporal.namespace) });
  // A queue that has job types but no live worker runs nothing: that fails the platform.
  const taskQueueChecks: HealthCheck[] = activeTaskQueues().map((queue) => ({ name: `task_queue:${queue}`, critical: true, run: () => assertQueueHasLivePollers(temporal, queue) }));
  const temporalAnswers = () => pingTemporal(temporal.connection, temporal.namespace).then(() => true, () => false);

  const report = async (checks: HealthCheck[]) => {
    const result = await runHealthChecks(checks);
    return new Response(JSON.stringify(result), { status: result.status === 'fail' ? 503 : 200, headers: HEALTH_JSON });
  };

  return new Hono()
    // While Temporal itself is down the queues cannot be asked: the temporal check says so (warn) on its own.
    .get('/', async () => report([database, migrations, temporalCheck(false), ...((await temporalAnswers()) ? taskQueueChecks : [])]))
    .get('/live', () => new Response(JSON.stringify({ status: 'pass' }), { headers: HEALTH_JSON }))
    .get('/ready', () => report([database, migrations, temporalCheck(true)]));
}
