import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import { ERROR_SEVERITIES, ErrorEvent, type ErrorSeverity } from '../entities/index.ts';

export interface ErrorEventFilter {
  severity?: ErrorSeverity;
  component?: string;
  resolved?: boolean;
  /** The event_id of the last event of the previous page. */
  after?: string;
  limit: number;
}

/** Newest first (event IDs are UUIDv7: they sort by time); one row more than asked says whether a next page exists. */
export async function listErrorEvents(em: EntityManager, filter: ErrorEventFilter): Promise<{ items: ErrorEvent[]; last?: string }> {
  const where: FilterQuery<ErrorEvent> = {};
  if (filter.severity) where.severity = filter.severity;
  if (filter.component) where.component = filter.component;
  if (filter.resolved !== undefined) where.resolved = filter.resolved;
  if (filter.after) where.event_id = { $lt: filter.after };
  const rows = await em.find(ErrorEvent, where, { orderBy: { event_id: 'desc' }, limit: filter.limit + 1 });
  const items = rows.slice(0, filter.limit);
  return { items, last: rows.length > filter.limit ? items.at(-1)?.event_id : undefined };
}

/** Marks an event resolved once; resolving it again keeps the first resolution_time. */
export async function resolveErrorEvent(em: EntityManager, eventId: string, at: Date): Promise<ErrorEvent | null> {
  const event = await em.findOne(ErrorEvent, { event_id: eventId });
  if (event && !event.resolved) em.assign(event, { resolved: true, resolution_time: at });
  return event;
}

/** The first event ID a UUIDv7 made at `ms` or later can have: bounds a time range on the primary key's index. */
export function eventIdFloor(ms: number): string {
  const hex = ms.toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

/** How many events of each severity were recorded since `since` (by every process: they all write here). */
export async function countErrorEventsBySeverity(em: EntityManager, since: Date): Promise<Record<ErrorSeverity, number>> {
  const floor = eventIdFloor(since.getTime());
  const counts = {} as Record<ErrorSeverity, number>;
  // One index range per severity (severity, event_id); one after another, as SQLite has one connection.
  for (const severity of ERROR_SEVERITIES) counts[severity] = await em.count(ErrorEvent, { severity, event_id: { $gte: floor } });
  return counts;
}
