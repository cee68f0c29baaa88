import type { Kysely, Selectable } from 'kysely';
import { BladeframeError } from '../../shared/errors.js';
import { dialectOf } from '../store/dialect.js';
import type { Database } from '../store/schema.js';
import type { DeliveryChannel, DeliveryStatus, NotifyDeliveriesTable } from './tables.js';

type Db = Kysely<Database>;
type Row = Selectable<NotifyDeliveriesTable>;

/** A delivery to queue: one event (or mail) for one target. */
export interface NewDelivery {
  channel: DeliveryChannel;
  target: string;
  eventKey: string;
  ticketEventId: string | null;
  ticketId: string | null;
  eventType: string;
  severity: number | null;
  subject: string;
  payload: unknown;
}

/** A delivery as the worker and the API see it. */
export interface Delivery {
  id: string;
  channel: DeliveryChannel;
  target: string;
  eventKey: string;
  ticketEventId: string | null;
  ticketId: string | null;
  eventType: string;
  severity: number | null;
  subject: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  lastCode: number | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
  retriedBy: string | null;
  retriedAt: string | null;
}

export interface DeliveryWithPayload extends Delivery {
  payload: unknown;
}

const LIST_COLUMNS = [
  'id',
  'channel',
  'target',
  'event_key',
  'ticket_event_id',
  'ticket_id',
  'event_type',
  'severity',
  'subject',
  'status',
  'attempts',
  'next_attempt_at',
  'last_error',
  'last_code',
  'created_at',
  'updated_at',
  'delivered_at',
  'retried_by',
  'retried_at',
] as const;

type ListRow = Pick<Row, (typeof LIST_COLUMNS)[number]>;

function toDelivery(row: ListRow): Delivery {
  return {
    id: String(row.id),
    channel: row.channel,
    target: row.target,
    eventKey: row.event_key,
    ticketEventId: row.ticket_event_id === null ? null : String(row.ticket_event_id),
    ticketId: row.ticket_id === null ? null : String(row.ticket_id),
    eventType: row.event_type,
    severity: row.severity === null ? null : Number(row.severity),
    subject: row.subject,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    lastError: row.last_error,
    lastCode: row.last_code === null ? null : Number(row.last_code),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deliveredAt: row.delivered_at,
    retriedBy: row.retried_by,
    retriedAt: row.retried_at,
  };
}

function withPayload(row: Row): DeliveryWithPayload {
  return { ...toDelivery(row), payload: JSON.parse(row.payload) as unknown };
}

/** Queues deliveries; one already queued for the same (event, channel, target) is left alone. */
export async function enqueueDeliveries(
  db: Db,
  deliveries: readonly NewDelivery[],
  now: string,
): Promise<number> {
  let inserted = 0;
  // One row per statement: ids then follow the given order, which is the order of sending.
  for (const d of deliveries) {
    const row = await db
      .insertInto('notify_deliveries')
      .values({
        channel: d.channel,
        target: d.target,
        event_key: d.eventKey,
        ticket_event_id: d.ticketEventId === null ? null : Number(d.ticketEventId),
        ticket_id: d.ticketId === null ? null : Number(d.ticketId),
        event_type: d.eventType,
        severity: d.severity,
        subject: d.subject.slice(0, 500),
        payload: JSON.stringify(d.payload),
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        last_error: null,
        last_code: null,
        leased_until: null,
        leased_by: null,
        created_at: now,
        updated_at: now,
        delivered_at: null,
        retried_by: null,
        retried_at: null,
      })
      .onConflict((oc) => oc.columns(['event_key', 'channel', 'target']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (row) inserted++;
  }
  return inserted;
}

/** The queued delivery ids of an event key (the Mailer answers with them). */
export async function deliveryIdsOf(db: Db, eventKey: string): Promise<string[]> {
  const rows = await db
    .selectFrom('notify_deliveries')
    .select('id')
    .where('event_key', '=', eventKey)
    .orderBy('id')
    .execute();
  return rows.map((r) => String(r.id));
}

/**
 * The oldest pending delivery of each (channel, target), the head of that receiver's queue, with
 * when it is due. The aggregate is a derived table, computed once per query whatever the
 * planner knows of the table.
 */
async function queueHeads(db: Db) {
  const heads = db
    .selectFrom('notify_deliveries')
    .select((eb) => eb.fn.min('id').as('head'))
    .where('status', '=', 'pending')
    .groupBy(['channel', 'target'])
    .as('h');
  const rows = await db
    .selectFrom('notify_deliveries as d')
    .innerJoin(heads, 'h.head', 'd.id')
    .select(['d.id', 'd.next_attempt_at', 'd.leased_until'])
    .execute();
  return rows
    .map((r) => ({
      id: Number(r.id),
      nextAttemptAt: r.next_attempt_at,
      leasedUntil: r.leased_until,
    }))
    .sort((a, b) => a.id - b.id);
}

export interface ClaimOptions {
  now: string;
  /** The lease ends then: a worker that died mid-send gives the row back at that time. */
  leaseUntil: string;
  owner: string;
  limit: number;
}

/**
 * Leases the deliveries due now that head their target's queue: the oldest pending one of each
 * (channel, target), so one receiver gets its deliveries one at a time and in order while
 * different receivers are served side by side. On PostgreSQL the rows are chosen FOR UPDATE SKIP
 * LOCKED, so collectors sharing the queue never lease the same row.
 */
export async function claimDue(db: Db, options: ClaimOptions): Promise<DeliveryWithPayload[]> {
  const postgres = dialectOf(db) === 'postgres';
  const { now } = options;
  const due = (await queueHeads(db))
    .filter((h) => h.nextAttemptAt <= now && (h.leasedUntil === null || h.leasedUntil <= now))
    .map((h) => h.id);
  if (due.length === 0) return [];
  // The heads are checked again under the row locks: another worker may have taken one meanwhile.
  const locked = db
    .selectFrom('notify_deliveries')
    .select('id')
    .where('id', 'in', due)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('leased_until', 'is', null), eb('leased_until', '<=', now)]))
    .orderBy('id')
    .limit(options.limit)
    .$if(postgres, (q) => q.forUpdate().skipLocked());
  const rows = await db
    .updateTable('notify_deliveries')
    .set({ leased_until: options.leaseUntil, leased_by: options.owner })
    .where('id', 'in', locked)
    .returningAll()
    .execute();
  return rows.map(withPayload).sort((a, b) => Number(a.id) - Number(b.id));
}

export interface AttemptOutcome {
  now: string;
  /** HTTP status or SMTP reply code, when the receiver answered. */
  code: number | null;
}

/** Records a successful attempt (only while this worker holds the lease). */
export async function recordDelivered(
  db: Db,
  id: string,
  owner: string,
  outcome: AttemptOutcome,
): Promise<boolean> {
  const result = await db
    .updateTable('notify_deliveries')
    .set((eb) => ({
      status: 'delivered',
      attempts: eb('attempts', '+', 1),
      last_code: outcome.code,
      last_error: null,
      leased_until: null,
      leased_by: null,
      updated_at: outcome.now,
      delivered_at: outcome.now,
    }))
    .where('id', '=', Number(id))
    .where('leased_by', '=', owner)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Records a failed attempt: retried at `retryAt`, or failed for good when it is null (a
 * permanent refusal, or the last attempt allowed).
 */
export async function recordFailure(
  db: Db,
  id: string,
  owner: string,
  outcome: AttemptOutcome & { error: string; retryAt: string | null },
): Promise<boolean> {
  const result = await db
    .updateTable('notify_deliveries')
    .set((eb) => ({
      status: outcome.retryAt === null ? 'failed' : 'pending',
      attempts: eb('attempts', '+', 1),
      next_attempt_at: outcome.retryAt ?? outcome.now,
      last_code: outcome.code,
      last_error: outcome.error.slice(0, 2000),
      leased_until: null,
      leased_by: null,
      updated_at: outcome.now,
    }))
    .where('id', '=', Number(id))
    .where('leased_by', '=', owner)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Gives back leases this worker holds without an attempt (it is stopping). */
export async function releaseLeases(db: Db, owner: string): Promise<void> {
  await db
    .updateTable('notify_deliveries')
    .set({ leased_until: null, leased_by: null })
    .where('leased_by', '=', owner)
    .execute();
}

/**
 * When the worker next has something to do: the earliest time a delivery heading its target's
 * queue is due (a row leased by a worker is due again when its lease ends). Null: nothing queued.
 */
export async function nextDueAt(db: Db): Promise<string | null> {
  let next: string | null = null;
  for (const head of await queueHeads(db)) {
    const lease = head.leasedUntil;
    const due = lease !== null && lease > head.nextAttemptAt ? lease : head.nextAttemptAt;
    if (next === null || due < next) next = due;
  }
  return next;
}

export interface DeliveryFilter {
  status?: DeliveryStatus[];
  channel?: DeliveryChannel;
  target?: string;
  ticketId?: string;
  eventType?: string[];
  /** Created at or after / before (ISO). */
  since?: string;
  until?: string;
  /** Keyset paging: deliveries with an id below this one (newest first). */
  before?: number;
  limit?: number;
}

/** The delivery log, newest first. */
export async function listDeliveries(db: Db, filter: DeliveryFilter = {}): Promise<Delivery[]> {
  const rows = await db
    .selectFrom('notify_deliveries')
    .select([...LIST_COLUMNS])
    .$if(filter.status !== undefined, (q) => q.where('status', 'in', filter.status!))
    .$if(filter.channel !== undefined, (q) => q.where('channel', '=', filter.channel!))
    .$if(filter.target !== undefined, (q) => q.where('target', '=', filter.target!))
    .$if(filter.ticketId !== undefined, (q) => q.where('ticket_id', '=', Number(filter.ticketId)))
    .$if(filter.eventType !== undefined, (q) => q.where('event_type', 'in', filter.eventType!))
    .$if(filter.since !== undefined, (q) => q.where('created_at', '>=', filter.since!))
    .$if(filter.until !== undefined, (q) => q.where('created_at', '<', filter.until!))
    .$if(filter.before !== undefined, (q) => q.where('id', '<', filter.before!))
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 100)
    .execute();
  return rows.map(toDelivery);
}

/** Counts by status (for the log's header and the metrics). */
export async function countDeliveries(db: Db): Promise<Record<DeliveryStatus, number>> {
  const rows = await db
    .selectFrom('notify_deliveries')
    .select((eb) => ['status', eb.fn.countAll().as('n')])
    .groupBy('status')
    .execute();
  const counts: Record<DeliveryStatus, number> = { pending: 0, delivered: 0, failed: 0 };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

export async function getDelivery(db: Db, id: string): Promise<DeliveryWithPayload | null> {
  if (!/^[1-9]\d{0,15}$/.test(id)) return null;
  const row = await db
    .selectFrom('notify_deliveries')
    .selectAll()
    .where('id', '=', Number(id))
    .executeTakeFirst();
  return row ? withPayload(row) : null;
}

/**
 * Sends a delivery again from a fresh start: a failed one is queued with its attempts reset, a
 * pending one is made due now. A delivered one is refused (it arrived).
 */
export async function retryDelivery(
  db: Db,
  id: string,
  now: string,
  by: string | null = null,
): Promise<Delivery> {
  const current = await getDelivery(db, id);
  if (!current) throw new BladeframeError('BF_NOT_FOUND', `no delivery ${id}`, [`id: ${id}`]);
  if (current.status === 'delivered') {
    throw new BladeframeError(
      'BF_CONFLICT',
      `delivery ${id} was delivered at ${current.deliveredAt}`,
      ['status: delivered; only a failed or pending delivery can be retried'],
    );
  }
  await db
    .updateTable('notify_deliveries')
    .set({
      status: 'pending',
      attempts: current.status === 'failed' ? 0 : current.attempts,
      next_attempt_at: now,
      updated_at: now,
      retried_by: by,
      retried_at: now,
    })
    .where('id', '=', Number(id))
    .where('status', '=', current.status)
    .execute();
  return toDelivery(
    (await db
      .selectFrom('notify_deliveries')
      .select([...LIST_COLUMNS])
      .where('id', '=', Number(id))
      .executeTakeFirstOrThrow()) as ListRow,
  );
}

/**
 * Removes finished deliveries (delivered or failed) last changed before `before`: the log keeps
 * `notify.delivery.retention` of history. Pending ones are never removed.
 */
export async function pruneDeliveries(db: Db, before: string): Promise<number> {
  const result = await db
    .deleteFrom('notify_deliveries')
    .where('status', 'in', ['delivered', 'failed'])
    .where('updated_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The queue at a glance: counts by status and the oldest delivery still pending. */
export async function queueSummary(
  db: Db,
): Promise<Record<DeliveryStatus, number> & { oldestPendingAt: string | null }> {
  const counts = await countDeliveries(db);
  const oldest = await db
    .selectFrom('notify_deliveries')
    .select((eb) => eb.fn.min('created_at').as('at'))
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return { ...counts, oldestPendingAt: (oldest?.at as string | null | undefined) ?? null };
}
