import { Migrator, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getBlade, healthHistory } from '../../../collector/fleet/fleet-queries.js';
import { migrations } from '../../../collector/store/migrations/index.js';
import type { Store } from '../../../collector/store/open-store.js';
import { storeTargets } from '../../support/stores.js';

describe.each(storeTargets)('identity and snapshot migrations on $name', (target) => {
  let store: Store;
  let migrator: Migrator;
  beforeEach(async () => {
    store = await target.open();
    migrator = new Migrator({ db: store.db, provider: { getMigrations: async () => migrations } });
  });
  afterEach(() => store.close());

  it('upgrades a store keyed by blade: minutes, latest snapshots and identities kept', async () => {
    // Back to the shape before the time-first keys.
    const down = await migrator.migrateTo('0090_snapshot_prune');
    expect(down.error).toBeUndefined();
    const db = store.db.withoutPlugins();
    await sql`
      insert into blades (blade_id, site_id, frame_id, environment, heartbeat_s, state,
        state_since, first_seen_at, last_seen_at, last_health_at)
      values ('b1', 's1', 'f1', 'production', 60, 'online', '2026-01-05T13:00:00.000Z',
        '2026-01-05T13:00:00.000Z', '2026-01-05T13:02:00.000Z', '2026-01-05T13:02:00.000Z')
    `.execute(db);
    for (const [seq, at] of [
      [1, '2026-01-05T13:00:10.000Z'],
      [2, '2026-01-05T13:01:10.000Z'],
      [3, '2026-01-05T13:02:00.000Z'],
    ] as const) {
      await sql`
        insert into health_snapshots (blade_id, boot_id, seq, observed_at, received_at, snapshot)
        values ('b1', 'boot', ${seq}, ${at}, ${at}, ${JSON.stringify({ seq })})
      `.execute(db);
    }

    await sql`
      insert into ingest_messages (blade_id, boot_id, seq, kind, site_id, frame_id, observed_at,
        received_at)
      values ('b1', 'boot', 9, 'event', 's1', 'f1', '2026-01-05T13:00:00.000Z',
        '2026-01-05T13:00:01.000Z')
    `.execute(db);

    const up = await migrator.migrateToLatest();
    expect(up.error).toBeUndefined();
    expect(up.results?.map((r) => r.migrationName)).toEqual([
      '0100_identity_by_time',
      '0110_snapshot_minute',
      '0120_message_identity_by_time',
      '0130_snapshot_chain',
      '0140_blade_deadline_unindexed',
      '0150_fleet_marks',
      '0160_partial_indexes',
    ]);
    // The identities survive the rebuild, and a replay of one still conflicts.
    const replay = await sql`
      insert into ingest_messages (blade_id, boot_id, seq, kind, site_id, frame_id, observed_at,
        received_at)
      values ('b1', 'boot', 9, 'event', 's1', 'f1', '2026-01-05T13:00:00.000Z',
        '2026-01-05T13:05:00.000Z')
      on conflict (observed_at, blade_id, boot_id, seq) do nothing
    `.execute(db);
    expect(Number(replay.numAffectedRows)).toBe(0);
    const identities = await sql<{ n: number | string }>`
      select count(*) as n from ingest_messages
    `.execute(db);
    expect(Number(identities.rows[0]!.n)).toBe(1);
    const minutes = await sql<{ received_minute: number | string }>`
      select received_minute from health_snapshots order by id
    `.execute(db);
    const minuteOf = (iso: string) => Math.floor(Date.parse(iso) / 60_000);
    expect(minutes.rows.map((r) => Number(r.received_minute))).toEqual([
      minuteOf('2026-01-05T13:00:10Z'),
      minuteOf('2026-01-05T13:01:10Z'),
      minuteOf('2026-01-05T13:02:00Z'),
    ]);
    expect((await getBlade(store.db, 'b1'))?.lastHealth).toEqual({ seq: 3 });
    const history = await healthHistory(
      store.db,
      'b1',
      new Date('2026-01-05T13:01:00Z'),
      new Date('2026-01-05T14:00:00Z'),
    );
    expect(history.map((h) => h.snapshot)).toEqual([{ seq: 2 }, { seq: 3 }]);
  });
  it("chains the snapshots stored before, each blade's apart, and reads them back", async () => {
    const down = await migrator.migrateTo('0120_message_identity_by_time');
    expect(down.error).toBeUndefined();
    const db = store.db.withoutPlugins();
    for (const blade of ['b1', 'b2']) {
      await sql`
        insert into blades (blade_id, site_id, frame_id, environment, heartbeat_s, state,
          state_since, first_seen_at, last_seen_at, last_health_at)
        values (${blade}, 's1', 'f1', 'production', 60, 'online', '2026-01-05T13:00:00.000Z',
          '2026-01-05T13:00:00.000Z', '2026-01-05T13:03:00.000Z', '2026-01-05T13:03:00.000Z')
      `.execute(db);
    }
    // The two blades' snapshots interleaved, as batches store them.
    const stored: [string, number, string][] = [
      ['b1', 1, '2026-01-05T13:00:10.000Z'],
      ['b2', 1, '2026-01-05T13:00:20.000Z'],
      ['b1', 2, '2026-01-05T13:01:10.000Z'],
      ['b1', 3, '2026-01-05T13:02:10.000Z'],
      ['b2', 2, '2026-01-05T13:02:20.000Z'],
    ];
    for (const [blade, seq, at] of stored) {
      await sql`
        insert into health_snapshots (blade_id, boot_id, seq, observed_at, received_at,
          received_minute, snapshot)
        values (${blade}, 'boot', ${seq}, ${at}, ${at}, ${Math.floor(Date.parse(at) / 60_000)},
          ${JSON.stringify({ blade, seq })})
      `.execute(db);
    }
    await sql`
      update blades set last_health_id =
        (select max(id) from health_snapshots h where h.blade_id = blades.blade_id)
    `.execute(db);
    const history = async (blade: string) =>
      (
        await healthHistory(
          store.db,
          blade,
          new Date('2026-01-05T13:00:00Z'),
          new Date('2026-01-05T14:00:00Z'),
        )
      ).map((h) => h.snapshot);
    const up = await migrator.migrateToLatest();
    expect(up.error).toBeUndefined();
    expect(up.results?.map((r) => r.migrationName)).toEqual([
      '0130_snapshot_chain',
      '0140_blade_deadline_unindexed',
      '0150_fleet_marks',
      '0160_partial_indexes',
    ]);
    const chain = await sql<{ seq: number | string; prev: number | string | null }>`
      select h.seq, p.seq as prev from health_snapshots h
      left join health_snapshots p on p.id = h.prev_id
      where h.blade_id = 'b1' order by h.id
    `.execute(db);
    expect(chain.rows.map((r) => [Number(r.seq), r.prev === null ? null : Number(r.prev)])).toEqual(
      [
        [1, null],
        [2, 1],
        [3, 2],
      ],
    );
    expect(await history('b1')).toEqual([
      { blade: 'b1', seq: 1 },
      { blade: 'b1', seq: 2 },
      { blade: 'b1', seq: 3 },
    ]);
    expect(await history('b2')).toEqual([
      { blade: 'b2', seq: 1 },
      { blade: 'b2', seq: 2 },
    ]);
    // SQLite walks the chain and drops the minute index; PostgreSQL keeps it.
    const indexes = await sql<{ name: string }>`${
      target.name === 'postgres'
        ? sql`select indexname as name from pg_indexes where tablename = 'health_snapshots'`
        : sql`select name from sqlite_master where type = 'index' and tbl_name = 'health_snapshots'`
    }`.execute(db);
    expect(indexes.rows.map((r) => r.name).includes('health_snapshots_minute')).toBe(
      target.name === 'postgres',
    );
  });
});
