import type { Insertable, Kysely, Selectable } from 'kysely';
import { foldTicket, type TicketView } from '../domain/fold.js';
import type {
  Actor,
  AnyTicketEvent,
  OpenedData,
  Severity,
  TicketEventData,
  TicketEventType,
} from '../domain/ticket-events.js';
import type { Database } from '../store/schema.js';
import type { TicketsTable } from './tables.js';
import { isPostgres } from '../store/dialect.js';
import { run, statement } from './ticket-sql.js';

export type Db = Kysely<Database>;
export type TicketRow = Selectable<TicketsTable>;

/** The collector itself as the actor of automatic events (ingest, storms, clocks). */
export const SYSTEM_ACTOR: Actor = { kind: 'system', id: 'collector' };
const SYSTEM_ACTOR_JSON = JSON.stringify(SYSTEM_ACTOR);

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
/** Events that change none of the projection's columns (see `projectionOf`). */
const PROJECTION_NEUTRAL = new Set<TicketEventType>([
  'note',
  'child-attached',
  'clock-warning',
  'clock-breached',
  'escalated',
]);

const CLOCK_NEUTRAL = new Set<TicketEventType>([
  'occurrence',
  'cleared',
  'note',
  'child-attached',
  'clock-warning',
  'clock-breached',
  'escalated',
]);

/** The columns `openTicket` fills, in the order of its statement's placeholders. */
const TICKET_COLUMNS = [
  'fingerprint',
  'active_fingerprint',
  'source',
  'signal',
  'component_kind',
  'component_id',
  'site_id',
  'frame_id',
  'blade_id',
  'environment',
  'test',
  'rule_id',
  'summary',
  'opened_at',
  'detected_at',
  'breached',
  'last_seq',
  'updated_at',
  'clock_due_at',
  'state',
  'severity',
  'service_severity',
  'domain',
  'parent_id',
  'occurrences',
  'last_seen_at',
  'cleared_at',
  'fixed_at',
  'closed_at',
] as const satisfies readonly (keyof Insertable<TicketsTable>)[];

const INSERT_TICKET = statement(
  `insert into "tickets" (${TICKET_COLUMNS.map((c) => `"${c}"`).join(', ')}) ` +
    `values (${TICKET_COLUMNS.map(() => '?').join(', ')}) ` +
    'on conflict ("active_fingerprint") do nothing returning "id"',
);
const EVENT_COLUMNS = '"ticket_id", "seq", "at", "type", "actor", "data", "dedupe_key"';
/** For events without a dedupe key (opened, occurrences): nothing can conflict. */
const INSERT_EVENT = statement(
  `insert into "ticket_events" (${EVENT_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?)`,
);
const INSERT_EVENT_ONCE = statement(
  `insert into "ticket_events" (${EVENT_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?) ` +
    'on conflict ("dedupe_key") where "dedupe_key" is not null do nothing returning "id"',
);
const SELECT_ACTIVE = statement(
  'select * from "tickets" where "active_fingerprint" = ?',
  'select * from "tickets" where "active_fingerprint" = ? for update',
);
const SELECT_BY_ID = statement('select * from "tickets" where "id" = ?');
const SELECT_BY_ID_LOCKED = statement(
  'select * from "tickets" where "id" = ?',
  'select * from "tickets" where "id" = ? for update',
);
const SELECT_BY_ID_SKIP_LOCKED = statement(
  'select * from "tickets" where "id" = ?',
  'select * from "tickets" where "id" = ? for update skip locked',
);
/**
 * A repeat of an open fault in one statement: the row of the ticket holding the fingerprint is
 * found, locked (PostgreSQL) and brought up to date together; it returns the new event's seq.
 */
const OCCURRENCE_BY_FINGERPRINT = statement(
  'update "tickets" set "occurrences" = "occurrences" + 1, "last_seen_at" = ?, ' +
    '"cleared_at" = null, "last_seq" = "last_seq" + 1, "updated_at" = ? ' +
    'where "active_fingerprint" = ? returning "id", "last_seq"',
);
/** A storm's parent gaining a child no more severe than itself (see `appendChildAttached`). */
const CHILD_ATTACHED_BY_ID = statement(
  'update "tickets" set "last_seq" = "last_seq" + 1, "updated_at" = ? ' +
    'where "id" = ? and "severity" <= ? returning "id", "last_seq"',
);
const UPDATE_OCCURRENCES = statement(
  'update "tickets" set "occurrences" = "occurrences" + ?, "last_seen_at" = ?, ' +
    '"cleared_at" = null, "last_seq" = ?, "updated_at" = ? where "id" = ?',
);
const UPDATE_CLEARED = statement(
  'update "tickets" set "cleared_at" = ?, "last_seq" = ?, "updated_at" = ? where "id" = ?',
);
const UPDATE_NEUTRAL = statement(
  'update "tickets" set "last_seq" = ?, "updated_at" = ? where "id" = ?',
);
const UPDATE_NEUTRAL_BREACHED = statement(
  'update "tickets" set "breached" = 1, "last_seq" = ?, "updated_at" = ? where "id" = ?',
);

function actorJson(actor: Actor): string {
  return actor === SYSTEM_ACTOR ? SYSTEM_ACTOR_JSON : JSON.stringify(actor);
}

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
  const values: Insertable<TicketsTable> = {
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
    // The clock engine looks at a new ticket at once, but a storm's child opened under its
    // parent has no clocks of its own (the parent's serve it): nothing to look at.
    clock_due_at: opened.parentId === null ? at : null,
    ...projectionOf(view),
  };
  const parameters = TICKET_COLUMNS.map((c) => values[c] ?? null);
  // Only the id comes back: the rest of the row is what was written (building a 30-column
  // row object for every new ticket cost more than the insert's own index work).
  const [inserted] = await run<{ id: number | string }>(db, INSERT_TICKET, parameters);
  if (!inserted) return null;
  const row = { id: inserted.id, ...values } as TicketRow;
  await run(db, INSERT_EVENT, [
    Number(inserted.id),
    1,
    at,
    'opened',
    actorJson(actor),
    JSON.stringify(opened),
    null,
  ]);
  return { row, event: { ...draft, ticketId: ticketIdOf(inserted) } };
}

/** The ticket holding a fingerprint, locked for update on PostgreSQL. */
export async function findActiveTicket(
  db: Db,
  fingerprint: string,
): Promise<TicketRow | undefined> {
  const [row] = await run<TicketRow>(db, SELECT_ACTIVE, [fingerprint]);
  return row;
}

/**
 * Appends an occurrence to the ticket holding `fingerprint` (as `appendEvents` would, row lock
 * and projection included) in two statements; undefined when no ticket holds it.
 */
export async function appendOccurrence(
  db: Db,
  fingerprint: string,
  event: Extract<NewEvent, { type: 'occurrence' }>,
): Promise<AnyTicketEvent | undefined> {
  const [row] = await run<{ id: number | string; last_seq: number | string }>(
    db,
    OCCURRENCE_BY_FINGERPRINT,
    [event.data.observedAt, event.at, fingerprint],
  );
  return row ? insertUpdatedEvent(db, row, event) : undefined;
}

/**
 * Records a child on its storm's parent (a projection-neutral event, see `appendEvents`) in two
 * statements, when the parent is at least as severe as the child. Undefined when the parent is
 * gone or less severe: the caller then goes through `appendEvents`, raising the severity too.
 */
export async function appendChildAttached(
  db: Db,
  parentId: string,
  event: Extract<NewEvent, { type: 'child-attached' }>,
  childSeverity: Severity,
): Promise<AnyTicketEvent | undefined> {
  const numeric = parseTicketId(parentId);
  if (numeric === null) return undefined;
  const [row] = await run<{ id: number | string; last_seq: number | string }>(
    db,
    CHILD_ATTACHED_BY_ID,
    [event.at, numeric, childSeverity],
  );
  return row ? insertUpdatedEvent(db, row, event) : undefined;
}

/**
 * The second statement of an in-place append: the event, under the sequence number the
 * ticket's update has just taken (`row.last_seq`).
 */
async function insertUpdatedEvent(
  db: Db,
  row: { id: number | string; last_seq: number | string },
  event: NewEvent,
): Promise<AnyTicketEvent> {
  const seq = Number(row.last_seq);
  await run(db, INSERT_EVENT, [
    Number(row.id),
    seq,
    event.at,
    event.type,
    actorJson(event.actor),
    JSON.stringify(event.data),
    null,
  ]);
  const { actor, type, data, at } = event;
  return { ticketId: ticketIdOf(row), seq, at, actor, type, data } as AnyTicketEvent;
}

/** Reads one ticket row; `lock` takes its row lock on PostgreSQL (appends serialize on it). */
export async function getTicketRow(
  db: Db,
  id: string,
  options: { lock?: 'wait' | 'skip' } = {},
): Promise<TicketRow | undefined> {
  const numeric = parseTicketId(id);
  if (numeric === null) return undefined;
  const select =
    options.lock === 'skip'
      ? SELECT_BY_ID_SKIP_LOCKED
      : options.lock === 'wait'
        ? SELECT_BY_ID_LOCKED
        : SELECT_BY_ID;
  const [row] = await run<TicketRow>(db, select, [numeric]);
  return row;
}

/**
 * Reads a group of ticket rows (a few hundred ids at most: one query) in id order; `lock` as for
 * `getTicketRow`, so with `skip` the rows another transaction holds are left out.
 */
export async function getTicketRows(
  db: Db,
  ids: readonly string[],
  options: { lock?: 'wait' | 'skip' } = {},
): Promise<TicketRow[]> {
  const numeric = ids.map(parseTicketId).filter((n): n is number => n !== null);
  if (numeric.length === 0) return [];
  const postgres = isPostgres(db);
  return db
    .selectFrom('tickets')
    .selectAll()
    .where('id', 'in', numeric)
    .orderBy('id')
    .$if(postgres && options.lock !== undefined, (q) => q.forUpdate())
    .$if(postgres && options.lock === 'skip', (q) => q.skipLocked())
    .execute();
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
    const [inserted] = await run(db, INSERT_EVENT_ONCE, [
      Number(row.id),
      seq + 1,
      event.at,
      event.type,
      actorJson(event.actor),
      JSON.stringify(event.data),
      event.dedupeKey ?? null,
    ]);
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
    const latest = last as Extract<AnyTicketEvent, { type: 'occurrence' }>;
    await run(db, UPDATE_OCCURRENCES, [
      appended.length,
      latest.data.observedAt,
      seq,
      last.at,
      Number(row.id),
    ]);
    return appended;
  }

  if (appended.every((e) => e.type === 'cleared')) {
    // Clearing changes one column of the projection (`cleared_at`, as the fold sets it): no
    // need to refold the log of a fault that may have repeated thousands of times.
    const latest = last as Extract<AnyTicketEvent, { type: 'cleared' }>;
    await run(db, UPDATE_CLEARED, [latest.data.observedAt, seq, last.at, Number(row.id)]);
    return appended;
  }

  if (appended.every((e) => PROJECTION_NEUTRAL.has(e.type))) {
    // Nothing the projection holds changes (a storm's parent gaining a child, a note): no need
    // to read and refold a log that may hold thousands of events.
    const breached = appended.some((e) => e.type === 'clock-breached');
    await run(db, breached ? UPDATE_NEUTRAL_BREACHED : UPDATE_NEUTRAL, [
      seq,
      last.at,
      Number(row.id),
    ]);
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
