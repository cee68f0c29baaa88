import type { Kysely } from 'kysely';
import type { Actor, AnyTicketEvent } from '../domain/ticket-events.js';
import { dialectOf } from '../store/dialect.js';
import type { Database } from '../store/schema.js';
import type { StoredTicketEvent } from './ticket-notice.js';

type Db = Kysely<Database>;

/** The cursor of the notifier over `ticket_events` (created by the migration). */
export const TICKET_EVENTS_CURSOR = 'ticket-events';

interface Gap {
  from: number;
  to: number;
  /** When this follower first saw the hole (ms, on the injected clock). */
  seenAt: number;
}

export interface EventFeedOptions {
  db: Db;
  /** How long a hole in the ids is waited for before it is taken as a rolled-back insert. */
  gapGraceMs: number;
  batchSize?: number;
  /**
   * The event types read in full (absent: every type). The others are only counted past: in a
   * storm most events are occurrences and storm children no receiver asked for, and reading and
   * parsing each one's data was most of the notifier's work.
   */
  types?: readonly string[];
}

export interface FeedBatch {
  events: StoredTicketEvent[];
  /** The transaction the batch was read in: queue its deliveries in it, with the cursor. */
  tx: Db;
}

/**
 * Follows the append-only ticket event log by its global id with a durable cursor, so an event
 * committed just before a crash is still picked up after the restart: nothing depends on the
 * in-process listeners. The cursor only moves past ids that were seen, in the same transaction
 * as the deliveries they produced.
 *
 * PostgreSQL hands out ids when a row is inserted, not when it commits: another collector's
 * transaction may still commit id 10 after we read 11. So the cursor stops below the first hole
 * and the hole is read again on each pass until it fills, or until `gapGraceMs` has passed (an
 * insert that rolled back, or an ON CONFLICT DO NOTHING, leaves a hole for good). Rows past the
 * hole are handled at once; queueing is idempotent, so reading one twice is harmless.
 */
export class TicketEventFeed {
  private scanned = 0;
  private gaps: Gap[] = [];

  constructor(private readonly options: EventFeedOptions) {}

  /**
   * One pass: reads what is new (and any hole still open) in a transaction holding the cursor,
   * hands it to `handle` (which queues deliveries in that transaction), then moves the cursor.
   * Returns the number of events read, or null when another collector holds the cursor.
   */
  async pump(nowMs: number, handle: (batch: FeedBatch) => Promise<void>): Promise<number | null> {
    const { db } = this.options;
    const postgres = dialectOf(db) === 'postgres';
    return db.transaction().execute(async (tx) => {
      const cursor = await tx
        .selectFrom('notify_cursors')
        .select('position')
        .where('name', '=', TICKET_EVENTS_CURSOR)
        .$if(postgres, (q) => q.forUpdate().skipLocked())
        .executeTakeFirst();
      if (!cursor) {
        if (postgres && (await this.cursorExists(tx))) return null;
        await this.createCursor(tx, nowMs);
        return 0;
      }
      const position = Number(cursor.position);
      if (this.scanned < position) this.scanned = position;
      this.gaps = this.gaps.filter((g) => g.to > position);

      const { ids, events } = await this.read(tx);
      await handle({ events, tx });

      this.advance(ids, nowMs);
      const next = this.gaps.length > 0 ? this.gaps[0]!.from - 1 : this.scanned;
      if (next > position) {
        await tx
          .updateTable('notify_cursors')
          .set({ position: next, updated_at: new Date(nowMs).toISOString() })
          .where('name', '=', TICKET_EVENTS_CURSOR)
          .execute();
      }
      return ids.length;
    });
  }

  /** Holes still waited for (for tests and /healthz). */
  openGaps(): { from: number; to: number }[] {
    return this.gaps.map(({ from, to }) => ({ from, to }));
  }

  /**
   * The events past the cursor (and in any hole), in id order: `ids` all of them, `events` those
   * of the types read in full.
   */
  private async read(tx: Db): Promise<{ ids: number[]; events: StoredTicketEvent[] }> {
    const limit = this.options.batchSize ?? 500;
    const types = this.options.types;
    const rows = await tx
      .selectFrom('ticket_events')
      .select(['id', 'ticket_id', 'seq', 'at', 'type'])
      .select((eb) =>
        types === undefined
          ? [eb.ref('actor').as('actor'), eb.ref('data').as('data')]
          : types.length === 0
            ? [eb.val<string | null>(null).as('actor'), eb.val<string | null>(null).as('data')]
            : [
                eb.case().when('type', 'in', types).then(eb.ref('actor')).end().as('actor'),
                eb.case().when('type', 'in', types).then(eb.ref('data')).end().as('data'),
              ],
      )
      .where((eb) =>
        eb.or([
          eb('id', '>', this.scanned),
          ...this.gaps.map((g) => eb.between('id', g.from, g.to)),
        ]),
      )
      .orderBy('id')
      .limit(limit)
      .execute();
    const events: StoredTicketEvent[] = [];
    for (const row of rows) {
      if (row.actor === null || row.data === null) continue;
      events.push({
        id: String(row.id),
        event: {
          ticketId: String(row.ticket_id),
          seq: Number(row.seq),
          at: row.at,
          actor: JSON.parse(row.actor) as Actor,
          type: row.type,
          data: JSON.parse(row.data) as unknown,
        } as AnyTicketEvent,
      });
    }
    return { ids: rows.map((row) => Number(row.id)), events };
  }

  /** Notes the ids read: fills holes, opens new ones, drops the ones waited for long enough. */
  private advance(ids: number[], nowMs: number): void {
    const fresh: number[] = [];
    for (const id of ids) {
      if (id > this.scanned) fresh.push(id);
      else this.fill(id);
    }
    let expected = this.scanned + 1;
    for (const id of fresh) {
      if (id > expected) this.gaps.push({ from: expected, to: id - 1, seenAt: nowMs });
      expected = id + 1;
    }
    if (fresh.length > 0) this.scanned = fresh[fresh.length - 1]!;
    this.gaps = this.gaps
      .filter((g) => nowMs - g.seenAt < this.options.gapGraceMs)
      .sort((a, b) => a.from - b.from);
  }

  /** An id arrived inside a hole: the hole shrinks or splits around it. */
  private fill(id: number): void {
    const result: Gap[] = [];
    for (const gap of this.gaps) {
      if (id < gap.from || id > gap.to) {
        result.push(gap);
        continue;
      }
      if (gap.from <= id - 1) result.push({ ...gap, to: id - 1 });
      if (id + 1 <= gap.to) result.push({ ...gap, from: id + 1 });
    }
    this.gaps = result;
  }

  private async cursorExists(tx: Db): Promise<boolean> {
    const row = await tx
      .selectFrom('notify_cursors')
      .select('name')
      .where('name', '=', TICKET_EVENTS_CURSOR)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * A store whose migration predates the cursor row (not expected): start from the current end,
   * so a collector never mails a backlog of history.
   */
  private async createCursor(tx: Db, nowMs: number): Promise<void> {
    const max = await tx
      .selectFrom('ticket_events')
      .select((eb) => eb.fn.max('id').as('max'))
      .executeTakeFirst();
    await tx
      .insertInto('notify_cursors')
      .values({
        name: TICKET_EVENTS_CURSOR,
        position: Number(max?.max ?? 0),
        updated_at: new Date(nowMs).toISOString(),
      })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
  }
}
