import { sql, type Kysely, type Migration } from 'kysely';
import { dialectOf } from '../dialect.js';

/**
 * A blade's health snapshots are found through their minute of receipt, (received_minute,
 * blade_id), instead of (blade_id, received_at). Keyed by blade first, every batch (a message
 * from each of some hundred blades) wrote a leaf page of that index per blade, which cost more
 * than the rest of the snapshot; keyed by minute first, a batch's entries share a few pages. A
 * blade's history is one seek per minute; its latest snapshot is named on its row
 * (`blades.last_health_id`).
 */
export const snapshotMinuteMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const minute =
      dialectOf(db) === 'postgres'
        ? sql`floor(extract(epoch from received_at::timestamptz) / 60)::bigint`
        : sql`cast(strftime('%s', received_at) as integer) / 60`;
    await db.schema.alterTable('health_snapshots').addColumn('received_minute', 'bigint').execute();
    await sql`update health_snapshots set received_minute = ${minute}`.execute(db);
    await db.schema.alterTable('blades').addColumn('last_health_id', 'bigint').execute();
    // Through the old index, before it goes.
    await sql`
      update blades set last_health_id = (
        select max(h.id) from health_snapshots h
        where h.blade_id = blades.blade_id and h.received_at = blades.last_health_at
      )
    `.execute(db);
    await db.schema
      .createIndex('health_snapshots_minute')
      .on('health_snapshots')
      .columns(['received_minute', 'blade_id'])
      .execute();
    await db.schema.dropIndex('health_snapshots_blade').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema
      .createIndex('health_snapshots_blade')
      .on('health_snapshots')
      .columns(['blade_id', 'received_at'])
      .execute();
    await db.schema.dropIndex('health_snapshots_minute').execute();
    await db.schema.alterTable('blades').dropColumn('last_health_id').execute();
    await db.schema.alterTable('health_snapshots').dropColumn('received_minute').execute();
  },
};
