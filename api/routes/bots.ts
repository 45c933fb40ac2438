import { Hono } from 'hono';
import { z } from 'zod';
import { BOT_STATUSES } from '../../db/entities/index.ts';
import type { Orm } from '../../db/orm.ts';
import { createBot, getBot, listBots, updateBot } from '../../db/services/bots.ts';
import { dailyPerformance, listTrades, performanceBetween, utcDay } from '../../db/services/trades.ts';
import { compare, isDecimalText } from '../../lib/decimal.ts';
import { NotFoundError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { idempotent } from '../idempotency.ts';
import { idText, jsonBody, pathParamsOf, positiveInt32, queryOf, text } from '../validation.ts';
import { cursor, limit } from './jobs.ts';

/** No bot is given more than this in one currency: a sane bound, far inside numeric(30,10). */
const MAX_AMOUNT = '1000000000000';

/** Money as a decimal string: "100.5", never a JSON number (a float); positive and at most MAX_AMOUNT. */
const money = z
  .string('must be a decimal string such as "100.50"')
  .refine(isDecimalText, { message: 'must be a decimal string such as "100.50" (no exponent, at most 10 decimals)', abort: true })
  .refine((amount) => compare(amount, '0') > 0, { message: 'must be positive', abort: true })
  .refine((amount) => compare(amount, MAX_AMOUNT) <= 0, { message: `must be at most ${MAX_AMOUNT}` });

/** Exchange symbols as Binance writes them: BTCUSDT. */
const symbol = z.string().regex(/^[A-Z0-9]{2,20}$/, 'must be an exchange symbol such as BTCUSDT');

const botFields = {
  name: text().trim().min(1).max(200),
  strategy: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a strategy name such as dca'),
  symbols: z.array(symbol).min(1).max(50),
  budget: money,
  max_open_positions: z.number().int().min(1).max(1000),
  max_notional: money,
  daily_loss_limit: money,
  dry_run: z.boolean(),
};

const newBotSchema = z.strictObject({ ...botFields, user_id: positiveInt32, strategy: botFields.strategy.default('dca'), dry_run: z.boolean().default(true) });
const botPatchSchema = z.strictObject({ ...botFields, status: z.enum(BOT_STATUSES) }).partial();

const idParam = z.object({ id: idText });
const day = z.iso.date('must be a day as YYYY-MM-DD');
const listBotsQuery = z.object({ user_id: idText.optional(), cursor, limit });
const listTradesQuery = z.object({ cursor, limit });
const performanceQuery = z.object({ day: day.optional(), from: day.optional(), to: day.optional() });

export function botRoutes({ orm, logger }: { orm: Orm; logger: Logger }) {
  const existingBot = async (id: number) => {
    const bot = await getBot(orm, id);
    if (!bot) throw new NotFoundError(`bot ${id} does not exist`);
    return bot;
  };
  return new Hono()
    .post('/', idempotent(orm, logger), async (c) => {
      const bot = await createBot(orm, await jsonBody(c, newBotSchema));
      return c.json({ ...bot, open_positions: [] }, 201, { location: `/bots/${bot.id}` });
    })
    .get('/', async (c) => c.json(await listBots(orm, queryOf(c, listBotsQuery))))
    .get('/:id', async (c) => c.json(await existingBot(pathParamsOf(c, idParam).id)))
    .patch('/:id', async (c) => {
      const { id } = pathParamsOf(c, idParam);
      const bot = await updateBot(orm, id, await jsonBody(c, botPatchSchema));
      if (!bot) throw new NotFoundError(`bot ${id} does not exist`);
      return c.json(bot);
    })
    .get('/:id/trades', async (c) => {
      const { id } = pathParamsOf(c, idParam);
      const query = queryOf(c, listTradesQuery);
      await existingBot(id);
      return c.json(await listTrades(orm, id, query));
    })
    // One day (`day`, today by default) or the days from `from` to `to` that had trades.
    .get('/:id/performance', async (c) => {
      const { id } = pathParamsOf(c, idParam);
      const query = queryOf(c, performanceQuery);
      await existingBot(id);
      if (query.from !== undefined || query.to !== undefined) {
        return c.json({ items: await performanceBetween(orm, id, query.from ?? '0000-01-01', query.to ?? '9999-12-31') });
      }
      return c.json(await dailyPerformance(orm, id, query.day ?? utcDay(new Date())));
    });
}
