import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TICKET_EVENTS_CURSOR, TicketEventFeed } from '../../../collector/notify/event-feed.js';
import type { Store } from '../../../collector/store/open-store.js';
import { storeTargets } from '../../support/stores.js';
import { ticketHarness, observation, type TicketHarness } from '../../support/tickets.js';

describe.each(storeTargets)('ticket event feed on $name', (target) => {
  let h: TicketHarness;
  let store: Store;
  let ticketId: number;
  let firstId: number;
  beforeEach(async () => {
    h = await ticketHarness(target);
    store = h.store;
    ticketId = Number((await h.service.recordObservation(observation(h.clock))).ticketId);
    const row = await store.db.selectFrom('ticket_events').select('id').executeTakeFirstOrThrow();
    firstId = Number(row.id);
  });
  afterEach(() => h.close());

  /** Appends a note with a chosen id, as another collector's transaction would have. */
  async function insertEvent(id: number) {
    await store.db
      .insertInto('ticket_events')
      .values({
        id,
        ticket_id: ticketId,
        seq: id + 100,
        at: h.clock.now().toISOString(),
        type: 'note',
        actor: JSON.stringify({ kind: 'system', id: 'test' }),
        data: JSON.stringify({ text: `event ${id}` }),
        dedupe_key: null,
      } as never)
      .execute();
  }

  async function position(): Promise<number> {
    const row = await store.db
      .selectFrom('notify_cursors')
      .select('position')
      .where('name', '=', TICKET_EVENTS_CURSOR)
      .executeTakeFirstOrThrow();
    return Number(row.position);
  }

  async function pump(feed: TicketEventFeed): Promise<number[]> {
    const seen: number[] = [];
    await feed.pump(h.clock.now().getTime(), async ({ events }) => {
      seen.push(...events.map((e) => Number(e.id)));
    });
    return seen;
  }

  it('reads each event once and keeps its place in the store', async () => {
    const feed = new TicketEventFeed({ db: store.db, gapGraceMs: 60_000 });
    expect(await pump(feed)).toEqual([firstId]);
    expect(await position()).toBe(firstId);
    expect(await pump(feed)).toEqual([]);
    await insertEvent(firstId + 1);
    // A new follower (a restart) starts where the cursor stands.
    const restarted = new TicketEventFeed({ db: store.db, gapGraceMs: 60_000 });
    expect(await pump(restarted)).toEqual([firstId + 1]);
  });

  it('hands over only the types asked for, and moves past the rest', async () => {
    const feed = new TicketEventFeed({ db: store.db, gapGraceMs: 60_000, types: ['opened'] });
    await insertEvent(firstId + 1); // a note: not asked for
    const handed: { id: string; type: string; data: unknown }[] = [];
    const read = await feed.pump(h.clock.now().getTime(), async ({ events }) => {
      handed.push(...events.map((e) => ({ id: e.id, type: e.event.type, data: e.event.data })));
    });
    expect(read).toBe(2);
    expect(handed).toEqual([
      {
        id: String(firstId),
        type: 'opened',
        data: expect.objectContaining({ signal: expect.any(String) }),
      },
    ]);
    expect(await position()).toBe(firstId + 1);
    expect(feed.openGaps()).toEqual([]);
    // Asking for nothing still moves the cursor.
    await insertEvent(firstId + 2);
    const none = new TicketEventFeed({ db: store.db, gapGraceMs: 60_000, types: [] });
    expect(await pump(none)).toEqual([]);
    expect(await position()).toBe(firstId + 2);
  });

  it('holds the cursor below a hole until it fills (a transaction that commits late)', async () => {
    const feed = new TicketEventFeed({ db: store.db, gapGraceMs: 60_000 });
    await pump(feed);
    await insertEvent(firstId + 1);
    await insertEvent(firstId + 3);
    expect(await pump(feed)).toEqual([firstId + 1, firstId + 3]);
    expect(feed.openGaps()).toEqual([{ from: firstId + 2, to: firstId + 2 }]);
    expect(await position()).toBe(firstId + 1);

    await insertEvent(firstId + 2); // the late commit
    expect(await pump(feed)).toEqual([firstId + 2]);
    expect(feed.openGaps()).toEqual([]);
    expect(await position()).toBe(firstId + 3);
  });

  it('gives up on a hole after the grace period (a rolled-back insert)', async () => {
    const feed = new TicketEventFeed({ db: store.db, gapGraceMs: 60_000 });
    await pump(feed);
    await insertEvent(firstId + 4);
    await pump(feed);
    expect(feed.openGaps()).toEqual([{ from: firstId + 1, to: firstId + 3 }]);
    h.clock.advance(59_000);
    await pump(feed);
    expect(await position()).toBe(firstId);
    h.clock.advance(1_000);
    await pump(feed);
    expect(feed.openGaps()).toEqual([]);
    expect(await position()).toBe(firstId + 4);
  });

  it('after a restart, re-reads from the cursor: a hole is not skipped by forgetting it', async () => {
    const feed = new TicketEventFeed({ db: store.db, gapGraceMs: 60_000 });
    await pump(feed);
    await insertEvent(firstId + 2);
    await pump(feed);
    await insertEvent(firstId + 1);
    const restarted = new TicketEventFeed({ db: store.db, gapGraceMs: 60_000 });
    expect(await pump(restarted)).toEqual([firstId + 1, firstId + 2]);
    expect(await position()).toBe(firstId + 2);
  });
});
