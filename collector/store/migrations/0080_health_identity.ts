import type { Kysely, Migration } from 'kysely';

/**
 * A health snapshot carries its message's identity, and its unique key is what recognises a
 * health message seen before: the most frequent message costs one row, not an identity row and a
 * snapshot row. Snapshots stored before this have no identity (null is never a duplicate).
 */
export const healthIdentityMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('health_snapshots').addColumn('boot_id', 'text').execute();
    await db.schema.alterTable('health_snapshots').addColumn('seq', 'bigint').execute();
    await db.schema
      .createIndex('health_snapshots_identity')
      .unique()
      .on('health_snapshots')
      .columns(['blade_id', 'boot_id', 'seq'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('health_snapshots_identity').execute();
    await db.schema.alterTable('health_snapshots').dropColumn('seq').execute();
    await db.schema.alterTable('health_snapshots').dropColumn('boot_id').execute();
  },
};
