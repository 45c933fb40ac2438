import { Hono } from 'hono';
import { z } from 'zod';
import { ERROR_SEVERITIES } from '../../db/entities/index.ts';
import { inTransaction, type Orm } from '../../db/orm.ts';
import { listErrorEvents, resolveErrorEvent } from '../../db/repositories/errorEvents.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { pathParamsOf, queryOf, text } from '../validation.ts';
import { errorEventView } from '../views.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The cursor is the last event_id of the page, base64url-encoded: opaque to clients. */
const cursor = text()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return undefined;
    const eventId = Buffer.from(value, 'base64url').toString();
    if (!UUID.test(eventId)) ctx.addIssue({ code: 'custom', message: 'is not a cursor this API gave out' });
    return eventId;
  });
const limit = z
  .string()
  .regex(/^[0-9]{1,6}$/, 'must be a decimal integer')
  .transform(Number)
  .pipe(z.number().min(1).max(200))
  .default(50);
const listQuery = z.object({
  severity: z.enum(ERROR_SEVERITIES).optional(),
  component: text().max(64).optional(),
  resolved: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
  cursor,
  limit,
});
const idParam = z.object({ id: z.string().regex(UUID, 'must be an event_id (a UUID)') });

/** GET /errors and POST /errors/{id}/resolve: the ErrorEvents every Keel process records. */
export function errorRoutes({ orm }: { orm: Orm }) {
  return new Hono()
    .get('/', async (c) => {
      const { cursor: after, ...query } = queryOf(c, listQuery);
      const page = await inTransaction(orm, (em) => listErrorEvents(em, { ...query, after }));
      return c.json({ items: page.items.map(errorEventView), next_cursor: page.last ? Buffer.from(page.last).toString('base64url') : null });
    })
    .post('/:id/resolve', async (c) => {
      const { id } = pathParamsOf(c, idParam);
      const event = await inTransaction(orm, (em) => resolveErrorEvent(em, id, new Date()));
      if (!event) throw new NotFoundError(`error event ${id} does not exist`);
      return c.json(errorEventView(event));
    });
}
