import type { Kysely } from 'kysely';
import type { Actor, AnyTicketEvent } from '../domain/ticket-events.js';
import type { Database } from '../store/schema.js';

/**
 * Reads tickets' event logs for the reports. The ticket rows only choose which logs to read
 * (by their time columns, which copy the `opened` event); every figure is then computed from
 * the logs themselves, so a report recomputes identically from the same events.
 */
type Db = Kysely<Database>;

const CHUNK = 500;

const ids = (rows: readonly { id: number | string }[]) => rows.map((r) => r.id);

/** The event logs of these tickets, each in sequence order, in the order of `ids`. */
export async function loadEventLogs(
  db: Db,
  ids: readonly (string | number)[],
): Promise<AnyTicketEvent[][]> {
  const byTicket = new Map<number, AnyTicketEvent[]>();
  const numeric = [...new Set(ids.map(Number))];
  for (let i = 0; i < numeric.length; i += CHUNK) {
    const rows = await db
      .selectFrom('ticket_events')
      .select(['ticket_id', 'seq', 'at', 'type', 'actor', 'data'])
      .where('ticket_id', 'in', numeric.slice(i, i + CHUNK))
      .orderBy('ticket_id')
      .orderBy('seq')
      .execute();
    for (const row of rows) {
      const id = Number(row.ticket_id);
      let log = byTicket.get(id);
      if (!log) byTicket.set(id, (log = []));
      log.push({
        ticketId: String(id),
        seq: Number(row.seq),
        at: row.at,
        actor: JSON.parse(row.actor) as Actor,
        type: row.type,
        data: JSON.parse(row.data) as unknown,
      } as AnyTicketEvent);
    }
  }
  return ids.map((id) => byTicket.get(Number(id)) ?? []).filter((log) => log.length > 0);
}

export interface LogQuery {
  /** Which time of the ticket chooses it. */
  by: 'detected_at' | 'opened_at' | 'closed_at';
  from: Date;
  to: Date;
  siteId?: string | undefined;
}

/** Logs of the tickets whose chosen time lies in [from, to), oldest first. */
export async function logsInRange(db: Db, query: LogQuery): Promise<AnyTicketEvent[][]> {
  const rows = await db
    .selectFrom('tickets')
    .select('id')
    .where(query.by, '>=', query.from.toISOString())
    .where(query.by, '<', query.to.toISOString())
    .$if(query.siteId !== undefined, (q) => q.where('site_id', '=', query.siteId!))
    .orderBy(query.by)
    .orderBy('id')
    .execute();
  return loadEventLogs(db, ids(rows));
}

/**
 * Logs of the tickets open at some moment of [from, to) or closed in it: opened before `to`
 * and not closed before `from`.
 */
export async function logsActiveIn(
  db: Db,
  from: Date,
  to: Date,
  filter: { siteId?: string | undefined } = {},
): Promise<AnyTicketEvent[][]> {
  const rows = await db
    .selectFrom('tickets')
    .select('id')
    .where('opened_at', '<', to.toISOString())
    .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>=', from.toISOString())]))
    .$if(filter.siteId !== undefined, (q) => q.where('site_id', '=', filter.siteId!))
    .orderBy('opened_at')
    .orderBy('id')
    .execute();
  return loadEventLogs(db, ids(rows));
}

/** Logs of the severity 5 requests (feature requests) opened before `to`, oldest first. */
export async function featureRequestLogs(db: Db, to: Date): Promise<AnyTicketEvent[][]> {
  const rows = await db
    .selectFrom('tickets')
    .select('id')
    .where('opened_at', '<', to.toISOString())
    .where((eb) => eb.or([eb('signal', '=', 'feature.request'), eb('severity', '=', 5)]))
    .orderBy('opened_at')
    .orderBy('id')
    .execute();
  return loadEventLogs(db, ids(rows));
}
