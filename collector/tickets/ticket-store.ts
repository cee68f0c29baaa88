import type { Kysely, Selectable } from 'kysely';
import { foldTicket, type TicketView } from '../domain/fold.js';
import type {
  Actor,
  AnyTicketEvent,
  OpenedData,
  TicketEventData,
  TicketEventType,
} from '../domain/ticket-events.js';
import { dialectOf } from '../store/dialect.js';
import type { Database } from '../store/schema.js';
import type { TicketsTable } from './tables.js';

export type Db = Kysely<Database>;
export type TicketRow = Selectable<TicketsTable>;

/** The collector itself as the actor of automatic events (ingest, storms, clocks). */
export const SYSTEM_ACTOR: Actor = { kind: 'system', id: 'collector' };

/** Runs `fn` in a transaction, joining the caller's when `db` already is one. */
export function inTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/** An event to append: its sequence number is given by the store. */
export type NewEvent = {
  [T in TicketEventType]: {
    type: T;
    data: TicketEventData[T];
    actor: Actor;
    at: string;
    /** Set for events recorded at most once (clock warnings, breaches, escalations). */
    dedupeKey?: string;
  };
}[TicketEventType];

/** Events that change no clock: appending them leaves the clock engine's schedule alone. */
const CLOCK_NEUTRAL = new Set<TicketEventType>([
  'occurrence',
  'cleared',
  'note',
  'child-attached',
  'clock-warning',
  'clock-breached',
  'escalated',
]);

export function ticketIdOf(row: { id: number | string }): string {
  return String(row.id);
}

/** A ticket id from a URL or a caller: digits only, else not a ticket. */
export function parseTicketId(id: string): number | null {
  return /^[1-9]\d{0,15}$/.test(id) ? Number(id) : null;
}

/**
 * Opens a ticket: its row (holding `activeFingerprint`, or none when null) with the projection
 * of its first event, and that `opened` event. Returns both, or null when another ticket already
 * holds the fingerprint (a concurrent insert won the race). Call inside a transaction.
 */
export async function openTicket(
  db: Db,
  opened: OpenedData,
  options: { at: string; actor: Actor; fingerprint: string; activeFingerprint: string | null },
): Promise<{ row: TicketRow; event: AnyTicketEvent } | null> {
  const { at, actor } = options;
  const draft = { ticketId: '0', seq: 1, at, actor, type: 'opened' as const, data: opened };
  const view = foldTicket([draft]);
  const row = await db
    .insertInto('tickets')
    .values({
      fingerprint: options.fingerprint,
      active_fingerprint: options.activeFingerprint,
      source: opened.source,
      signal: opened.signal,
      component_kind: opened.component.kind,
      component_id: opened.component.id,
      site_id: opened.siteId,
      frame_id: opened.frameId,
      blade_id: opened.bladeId,
      environment: opened.environment,
      test: opened.test ? 1 : 0,
      rule_id: opened.classification.ruleId,
      summary: opened.summary,
      opened_at: at,
      detected_at: opened.detectedAt,
      breached: 0,
      last_seq: 1,
      updated_at: at,
      clock_due_at: at,
      ...projectionOf(view),
    })
    .onConflict((oc) => oc.column('active_fingerprint').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) return null;
  await db
    .insertInto('ticket_events')
    .values({
      ticket_id: Number(row.id),
      seq: 1,
      at,
      type: 'opened',
      actor: JSON.stringify(actor),
      data: JSON.stringify(opened),
      dedupe_key: null,
    })
    .execute();
  return { row, event: { ...draft, ticketId: ticketIdOf(row) } };
}

/** The ticket holding a fingerprint, locked for update on PostgreSQL. */
export async function findActiveTicket(
  db: Db,
  fingerprint: string,
): Promise<TicketRow | undefined> {
  const postgres = dialectOf(db) === 'postgres';
  return db
    .selectFrom('tickets')
    .selectAll()
    .where('active_fingerprint', '=', fingerprint)
    .$if(postgres, (q) => q.forUpdate())
    .executeTakeFirst();
}

/** Reads one ticket row; `lock` takes its row lock on PostgreSQL (appends serialize on it). */
export async function getTicketRow(
  db: Db,
  id: string,
  options: { lock?: 'wait' | 'skip' } = {},
): Promise<TicketRow | undefined> {
  const numeric = parseTicketId(id);
  if (numeric === null) return undefined;
  const postgres = dialectOf(db) === 'postgres';
  return db
    .selectFrom('tickets')
    .selectAll()
    .where('id', '=', numeric)
    .$if(postgres && options.lock !== undefined, (q) => q.forUpdate())
    .$if(postgres && options.lock === 'skip', (q) => q.skipLocked())
    .executeTakeFirst();
}

export async function loadEvents(db: Db, id: string): Promise<AnyTicketEvent[]> {
  const numeric = parseTicketId(id);
  if (numeric === null) return [];
  const rows = await db
    .selectFrom('ticket_events')
    .select(['seq', 'at', 'type', 'actor', 'data'])
    .where('ticket_id', '=', numeric)
    .orderBy('seq')
    .execute();
  return rows.map(
    (row) =>
      ({
        ticketId: id,
        seq: Number(row.seq),
        at: row.at,
        actor: JSON.parse(row.actor) as Actor,
        type: row.type,
        data: JSON.parse(row.data) as unknown,
      }) as AnyTicketEvent,
  );
}

/** The logs of many tickets in one query per 500 ids, each in order, by ticket id. */
export async function loadEventsOf(db: Db, ids: string[]): Promise<Map<string, AnyTicketEvent[]>> {
  const logs = new Map<string, AnyTicketEvent[]>();
  const numeric = ids.map(parseTicketId).filter((n): n is number => n !== null);
  for (let i = 0; i < numeric.length; i += 500) {
    const rows = await db
      .selectFrom('ticket_events')
      .select(['ticket_id', 'seq', 'at', 'type', 'actor', 'data'])
      .where('ticket_id', 'in', numeric.slice(i, i + 500))
      .orderBy('ticket_id')
      .orderBy('seq')
      .execute();
    for (const row of rows) {
      const ticketId = String(row.ticket_id);
      let log = logs.get(ticketId);
      if (!log) logs.set(ticketId, (log = []));
      log.push({
        ticketId,
        seq: Number(row.seq),
        at: row.at,
        actor: JSON.parse(row.actor) as Actor,
        type: row.type,
        data: JSON.parse(row.data) as unknown,
      } as AnyTicketEvent);
    }
  }
  return logs;
}

/**
 * Appends events to a ticket's log under its row lock, skipping any whose dedupe key is already
 * recorded, and brings the ticket's projection up to date in the same transaction. Returns the
 * events actually appended. Call inside a transaction.
 */
export async function appendEvents(
  db: Db,
  row: TicketRow,
  events: readonly NewEvent[],
  /** The ticket's log before these events, when the caller has just read it (saves a read). */
  prior?: readonly AnyTicketEvent[],
): Promise<AnyTicketEvent[]> {
  const id = ticketIdOf(row);
  let seq = Number(row.last_seq);
  const appended: AnyTicketEvent[] = [];
  for (const event of events) {
    const inserted = await db
      .insertInto('ticket_events')
      .values({
        ticket_id: Number(row.id),
        seq: seq + 1,
        at: event.at,
        type: event.type,
        actor: JSON.stringify(event.actor),
        data: JSON.stringify(event.data),
        dedupe_key: event.dedupeKey ?? null,
      })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) continue;
    seq++;
    appended.push({
      ticketId: id,
      seq,
      at: event.at,
      actor: event.actor,
      type: event.type,
      data: event.data,
    } as AnyTicketEvent);
  }
  if (appended.length === 0) return appended;
  const last = appended[appended.length - 1]!;

  if (appended.every((e) => e.type === 'occurrence')) {
    // The hot path (a fault repeating): no need to refold the whole log.
    const latest = appended[appended.length - 1] as Extract<AnyTicketEvent, { type: 'occurrence' }>;
    await db
      .updateTable('tickets')
      .set((eb) => ({
        occurrences: eb('occurrences', '+', appended.length),
        last_seen_at: latest.data.observedAt,
        cleared_at: null,
        last_seq: seq,
        updated_at: last.at,
      }))
      .where('id', '=', Number(row.id))
      .execute();
    return appended;
  }

  const view = foldTicket(prior ? [...prior, ...appended] : await loadEvents(db, id));
  const reschedule = appended.some((e) => !CLOCK_NEUTRAL.has(e.type));
  await db
    .updateTable('tickets')
    .set({
      ...projectionOf(view),
      breached: appended.some((e) => e.type === 'clock-breached') ? 1 : row.breached,
      last_seq: seq,
      updated_at: last.at,
      ...(reschedule ? { clock_due_at: last.at } : {}),
    })
    .where('id', '=', Number(row.id))
    .execute();
  return appended;
}

/** The columns of the projection that follow from the folded view. */
function projectionOf(view: TicketView) {
  const released = view.state === 'fixed' || view.state === 'closed';
  return {
    state: view.state,
    severity: view.severity,
    service_severity: view.serviceSeverity,
    domain: view.domain,
    parent_id: view.parentId === null ? null : Number(view.parentId),
    occurrences: view.occurrences,
    last_seen_at: view.lastSeenAt,
    cleared_at: view.clearedAt,
    fixed_at: view.fixedAt,
    closed_at: view.closedAt,
    // Fixed or closed, the ticket no longer holds its fault: a recurrence opens a new call.
    ...(released ? { active_fingerprint: null } : {}),
  };
}
