import { Hono } from 'hono';
import { z } from 'zod';
import type { KillSwitchEngagement } from '../../db/entities/index.ts';
import type { Orm } from '../../db/orm.ts';
import type { Config } from '../../lib/config.ts';
import { createExchanges } from '../../lib/exchange/exchanges.ts';
import type { JobScheduler } from '../../lib/jobScheduler.ts';
import type { Logger } from '../../lib/logger.ts';
import { createMarketDataProvider } from '../../lib/marketData/index.ts';
import type { CircuitBreakers } from '../../lib/resilience.ts';
import { KillSwitch } from '../../trading/killSwitch.ts';
import { jsonBody, optionalJsonBody, text } from '../validation.ts';

/** The API has one key, the admin key: every switch and release is recorded as its doing. */
const ADMIN_ACTOR = 'admin API key';

/** Short enough that `kill switch: <reason>` fits a job's pause note (500). */
const reason = text().trim().min(1, 'must not be empty').max(400);
const engageBody = z.strictObject({ reason });
const resumeBody = z.strictObject({ reason: reason.optional() });

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function killSwitchView(engagement: KillSwitchEngagement | null) {
  if (!engagement) return { engaged: false };
  return { engaged: true, engaged_at: iso(engagement.engaged_at), engaged_by: engagement.engaged_by, reason: engagement.reason, paused_jobs: engagement.paused_job_ids };
}

/** POST /trading/kill-switch stops all trading (admin), POST /trading/resume undoes it, GET /trading/kill-switch shows it. */
export function tradingRoutes({ orm, scheduler, config, logger, breakers }: { orm: Orm; scheduler: JobScheduler; config: Config; logger: Logger; breakers: CircuitBreakers }) {
  // Cancelling needs each bot's exchange; the paper one never asks market data to cancel, but is built as the workers build it.
  const exchanges = createExchanges(config.exchange, orm, createMarketDataProvider(config.market_data, breakers));
  const killSwitch = new KillSwitch({ orm, scheduler, exchanges, config, logger });
  return new Hono()
    .get('/kill-switch', async (c) => c.json(killSwitchView(await killSwitch.current())))
    .post('/kill-switch', async (c) => {
      const body = await jsonBody(c, engageBody);
      const { engagement, failed_jobs, cancelled_orders, failed_orders } = await killSwitch.engage(body.reason, ADMIN_ACTOR);
      return c.json({ ...killSwitchView(engagement), failed_jobs, cancelled_orders, failed_orders });
    })
    .post('/resume', async (c) => {
      const body = await optionalJsonBody(c, resumeBody);
      const { engagement, resumed_job_ids, failed_jobs } = await killSwitch.resume(body.reason ?? null, ADMIN_ACTOR);
      return c.json({ engaged: false, resumed_at: iso(engagement.resumed_at ?? null), resumed_by: engagement.resumed_by, reason: engagement.resume_reason, resumed_jobs: resumed_job_ids, failed_jobs });
    });
}
