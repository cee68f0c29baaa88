import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../collector/store/open-store.js';
import { storeTargets } from '../../support/stores.js';
import { observation, ticketHarness, type TicketHarness } from '../../support/tickets.js';

describe.each(storeTargets)('partial indexes on $name', (target) => {
  let h: TicketHarness;
  let store: Store;
  let ticketId: number;
  beforeEach(async () => {
    h = await ticketHarness(target);
    store = h.store;
    ticketId = Number((await h.service.recordObservation(observation(h.clock))).ticketId);
  });
  afterEach(() => h.close());

  const insert = (seq: number, type: string, dedupeKey: string | null) =>
    sql`insert into ticket_events (ticket_id, seq, at, type, actor, data, dedupe_key)
        values (${ticketId}, ${seq}, ${h.clock.now().toISOString()}, ${type}, '{}', '{}',
        ${dedupeKey}) on conflict (dedupe_key) where dedupe_key is not null do nothing
        returning id`.execute(store.db);

  it('keeps a dedupe key once, and events without one never conflict', async () => {
    expect((await insert(10, 'clock-warning', 'k|clock-warning|response#1')).rows).toHaveLength(1);
    expect((await insert(11, 'clock-warning', 'k|clock-warning|response#1')).rows).toHaveLength(0);
    expect((await insert(12, 'occurrence', null)).rows).toHaveLength(1);
    expect((await insert(13, 'occurrence', null)).rows).toHaveLength(1);
  });

  it.runIf(target.name === 'sqlite')('finds replacements through their partial index', async () => {
    const plan = await sql<{ detail: string }>`explain query plan
      select id from ticket_events where type = 'replacement-dispatched' and at <= '2100'
      order by at`.execute(store.db);
    expect(plan.rows.map((r) => r.detail).join(' ')).toContain('ticket_events_replacements');
  });

  it.runIf(target.name === 'sqlite')(
    "finds a frame's open faults without a parent through the storm index",
    async () => {
      const plan = await sql<{ detail: string }>`explain query plan
        select id from tickets where site_id = 's' and frame_id = 'f' and parent_id is null
        and active_fingerprint is not null and detected_at >= '2020' order by detected_at`.execute(
        store.db,
      );
      expect(plan.rows.map((r) => r.detail).join(' ')).toContain('tickets_open_frame');
    },
  );
});
