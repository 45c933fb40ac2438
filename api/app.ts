import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Orm } from '../db/orm.ts';
import { DatabaseBreakerStore } from '../db/repositories/circuitBreakers.ts';
import { redactConfig, type Config } from '../lib/config.ts';
import { ErrorEventRecorder } from '../lib/errorEvents.ts';
import type { JobReconciliation } from '../lib/jobReconciler.ts';
import type { JobScheduler } from '../lib/jobScheduler.ts';
import type { Logger } from '../lib/logger.ts';
import type { ApiMetrics } from '../lib/metrics.ts';
import { CircuitBreakers } from '../lib/resilience.ts';
import type { TemporalClient } from '../lib/temporal.ts';
import { requireApiKey } from './auth.ts';
import { allowedMethods } from './methodNotAllowed.ts';
import { PROBLEM_BASE, problemHeaders, problemOf, problemResponse } from './problem.ts';
import { botRoutes } from './routes/bots.ts';
import { healthRoutes } from './routes/health.ts';
import { jobRoutes } from './routes/jobs.ts';
import { runRoutes } from './routes/runs.ts';
import { errorRoutes } from './routes/errors.ts';
import { circuitBreakerRoutes } from './routes/circuitBreakers.ts';
import { telegramLinkRoutes } from './routes/telegramLinks.ts';
import { tradingRoutes } from './routes/trading.ts';
import { securityHeaders } from './securityHeaders.ts';

export interface AppDeps {
  config: Config;
  adminKey: string;
  orm: Orm;
  temporal: TemporalClient;
  scheduler: JobScheduler;
  reconciler: Pick<JobReconciliation, 'reconcileNow'>;
  metrics: ApiMetrics;
  logger: Logger;
}

/** The HTTP API: health and metrics are open, everything else needs the API key. */
export function createApp(deps: AppDeps) {
  const { logger, metrics } = deps;
  // One set for the API process: the breaker routes read and force them, the kill switch cancels orders through them.
  const errorEvents = new ErrorEventRecorder(deps.orm, logger);
  const breakers = new CircuitBreakers({ configs: deps.config.error_handling.circuit_breakers, store: new DatabaseBreakerStore(deps.orm), logger, errorEvents });
  const app = new Hono();

  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = c.req.routePath;
    metrics.httpRequestDuration.observe({ method: c.req.method, route, status: String(c.res.status) }, seconds);
    if (!c.req.path.startsWith('/health') && c.req.path !== '/metrics') {
      logger.info({ method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(seconds * 1000) }, 'request');
    }
  });

  const maxBodyBytes = deps.config.api.max_body_bytes;
  app.use(
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) => problemResponse(c, { type: `${PROBLEM_BASE}payload-too-large`, title: 'Request body too large', status: 413, detail: `the body may be at most ${maxBodyBytes} bytes` }),
    }),
  );

  app.route('/health', healthRoutes(deps));
  app.get('/metrics', async (c) => c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }));

  app.use('*', securityHeaders);
  app.use('*', requireApiKey(deps.adminKey));
  app.get('/config', (c) => c.json(redactConfig(deps.config)));
  app.route('/jobs', jobRoutes(deps));
  app.route('/runs', runRoutes(deps));
  app.route('/errors', errorRoutes(deps));
  app.route('/circuit-breakers', circuitBreakerRoutes({ ...deps, breakers, errorEvents }));
  app.route('/users', telegramLinkRoutes(deps));
  app.route('/bots', botRoutes(deps));
  app.route('/trading', tradingRoutes({ ...deps, breakers }));

  app.notFound((c) => {
    const allow = allowedMethods(app, c.req.path);
    if (allow.length) {
      return problemResponse(c, { type: `${PROBLEM_BASE}method-not-allowed`, title: 'Method not allowed', status: 405, detail: `${c.req.path} answers ${allow.join(', ')}` }, { allow: allow.join(', ') });
    }
    return problemResponse(c, { type: `${PROBLEM_BASE}not-found`, title: 'Not found', status: 404, detail: `no route for ${c.req.method} ${c.req.path}` });
  });
  app.onError((error, c) => {
    const problem = problemOf(error);
    if (problem.status === 503) logger.warn({ err: error, method: c.req.method, path: c.req.path }, 'request refused: a dependency is unavailable');
    else if (problem.status >= 500) logger.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed');
    return problemResponse(c, problem, problemHeaders(problem));
  });
  return app;
}

export type AppType = ReturnType<typeof createApp>;
