import { sql, type Kysely, type Migration } from 'kysely';
import { dialectOf } from '../dialect.js';

/**
 * Each health snapshot names its blade's previous one (`prev_id`), so on SQLite a blade's history
 * is a walk back from `blades.last_health_id` and the (received_minute, blade_id) index goes. A
 * batch has a message from each of some hundred blades, and that index put each of them on a
 * leaf page of its own: with SQLite's write-ahead log writing every page a commit dirtied whole,
 * the index cost more than the snapshot itself. PostgreSQL keeps the index and reads by minute:
 * its log records the change, not the page, and collectors sharing one database would each
 * chain a blade's snapshots from the blade row they read, so two could name the same previous.
 */
export const snapshotChainMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('health_snapshots').addColumn('prev_id', 'bigint').execute();
    // The snapshots stored before, chained in the order they arrived.
    await sql`
      update health_snapshots set prev_id = chained.prev
      from (
        select id, lag(id) over (partition by blade_id order by id) as prev from health_snapshots
      ) as chained
      where chained.id = health_snapshots.id and chained.prev is not null
    `.execute(db);
    if (dialectOf(db) === 'sqlite') await db.schema.dropIndex('health_snapshots_minute').execute();
  },
  async down(db: Kysely<unknown>) {
    if (dialectOf(db) === 'sqlite') {
      await db.schema
        .createIndex('health_snapshots_minute')
        .on('health_snapshots')
        .columns(['received_minute', 'blade_id'])
        .execute();
    }
    await db.schema.alterTable('health_snapshots').dropColumn('prev_id').execute();
  },
};
