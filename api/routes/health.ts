import { Hono } from 'hono';
import { isMigrated, type Orm } from '../../db/orm.ts';
import { runHealthChecks, type HealthCheck } from '../../lib/health.ts';
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

  const report = async (checks: HealthCheck[]) => {
    const result = await runHealthChecks(checks);
    return new Response(JSON.stringify(result), { status: result.status === 'fail' ? 503 : 200, headers: HEALTH_JSON });
  };

  return new Hono()
    .get('/', () => report([database, migrations, temporalCheck(false)]))
    .get('/live', () => new Response(JSON.stringify({ status: 'pass' }), { headers: HEALTH_JSON }))
    .get('/ready', () => report([database, migrations, temporalCheck(true)]));
}
