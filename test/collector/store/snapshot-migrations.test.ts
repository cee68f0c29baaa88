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
});
