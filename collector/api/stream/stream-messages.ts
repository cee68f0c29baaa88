import type { Kysely } from 'kysely';
import type { ActivityData, ActivityType } from '../../activity/activity-log.js';
import type { Actor, AnyTicketEvent, TicketEventType } from '../../domain/ticket-events.js';
import type { Database } from '../../store/schema.js';
import { toSummary, type TicketSummary } from '../../tickets/ticket-queries.js';
import { formatCursor, type Cursor } from './cursor.js';

/** A ticket event with the ticket as it now stands. */
export type TicketEventData = AnyTicketEvent & { ticket: TicketSummary };

export type StreamData = { 'ticket.event': TicketEventData } & ActivityData;
export type StreamType = keyof StreamData;

/** One message of the live stream, as sent: `id` is the cursor just past it. */
export type StreamMessage = {
  [T in StreamType]: { id: string; type: T; at: string; data: StreamData[T] };
}[StreamType];

/** A message on its way, with where it sits in its source. */
export interface Positioned {
  source: keyof Cursor;
  /** Its id in its source table. */
  position: number;
  message: Omit<StreamMessage, 'id'>;
}

export interface EventRow {
  id: number;
  ticket_id: number;
  seq: number;
  at: string;
  type: string;
  actor: string;
  data: string;
}

export interface ActivityRow {
  id: number;
  at: string;
  type: string;
  data: string;
}

/** Ticket events with an id above `after` (and at most `upTo`), in id order. */
export function fetchTicketEvents(
  db: Kysely<Database>,
  after: number,
  limit: number,
  upTo?: number,
): Promise<EventRow[]> {
  return db
    .selectFrom('ticket_events')
    .select(['id', 'ticket_id', 'seq', 'at', 'type', 'actor', 'data'])
    .where('id', '>', after)
    .$if(upTo !== undefined, (q) => q.where('id', '<=', upTo!))
    .orderBy('id')
    .limit(limit)
    .execute()
    .then((rows) => rows.map((r) => ({ ...r, id: Number(r.id), ticket_id: Number(r.ticket_id) })));
}

/** The ids alone of the rows of `table` above `after`, in id order. */
export function fetchIds(
  db: Kysely<Database>,
  table: 'ticket_events' | 'activity',
  after: number,
  limit: number,
): Promise<{ id: number }[]> {
  return db
    .selectFrom(table)
    .select('id')
    .where('id', '>', after)
    .orderBy('id')
    .limit(limit)
    .execute()
    .then((rows) => rows.map((r) => ({ id: Number(r.id) })));
}

export function fetchActivity(
  db: Kysely<Database>,
  after: number,
  limit: number,
  upTo?: number,
): Promise<ActivityRow[]> {
  return db
    .selectFrom('activity')
    .select(['id', 'at', 'type', 'data'])
    .where('id', '>', after)
    .$if(upTo !== undefined, (q) => q.where('id', '<=', upTo!))
    .orderBy('id')
    .limit(limit)
    .execute()
    .then((rows) => rows.map((r) => ({ ...r, id: Number(r.id) })));
}

/** Ticket event rows as stream messages, each with its ticket's summary (one query for all). */
export async function ticketEventMessages(
  db: Kysely<Database>,
  rows: readonly EventRow[],
): Promise<Positioned[]> {
  if (rows.length === 0) return [];
  const ids = [...new Set(rows.map((r) => r.ticket_id))];
  const tickets = new Map<number, TicketSummary>();
  for (let i = 0; i < ids.length; i += 500) {
    const found = await db
      .selectFrom('tickets')
      .selectAll()
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const row of found) tickets.set(Number(row.id), toSummary(row));
  }
  return rows.map((row) => ({
    source: 'ticketEvent' as const,
    position: row.id,
    message: {
      type: 'ticket.event' as const,
      at: row.at,
      data: {
        ticketId: String(row.ticket_id),
        seq: Number(row.seq),
        at: row.at,
        actor: JSON.parse(row.actor) as Actor,
        type: row.type as TicketEventType,
        data: JSON.parse(row.data) as never,
        ticket: tickets.get(row.ticket_id)!,
      } as TicketEventData,
    },
  }));
}

export function activityMessages(rows: readonly ActivityRow[]): Positioned[] {
  return rows.map((row) => ({
    source: 'activity' as const,
    position: row.id,
    message: {
      type: row.type as ActivityType,
      at: row.at,
      data: JSON.parse(row.data) as never,
    },
  }));
}

/**
 * Interleaves the two sources by time, each kept in its own id order, and gives every message
 * the cursor just past it (starting from `from`).
 */
export function sequence(
  from: Cursor,
  events: readonly Positioned[],
  activity: readonly Positioned[],
): { positioned: Positioned; cursor: Cursor; message: StreamMessage }[] {
  const out: { positioned: Positioned; cursor: Cursor; message: StreamMessage }[] = [];
  const cursor = { ...from };
  let i = 0;
  let j = 0;
  while (i < events.length || j < activity.length) {
    const e = events[i];
    const a = activity[j];
    const next = !a || (e && e.message.at <= a.message.at) ? (i++, e!) : (j++, a);
    cursor[next.source] = next.position;
    const id = formatCursor(cursor);
    out.push({
      positioned: next,
      cursor: { ...cursor },
      message: { id, ...next.message } as StreamMessage,
    });
  }
  return out;
}
