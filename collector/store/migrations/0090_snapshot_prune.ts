import type { Kysely, Migration } from 'kysely';

/**
 * Old health snapshots are pruned by id (they are stored in the order they arrive), so the index
 * on their receive time, one more B-tree written with every health message, goes.
 */
export const snapshotPruneMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('health_snapshots_received').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema
      .createIndex('health_snapshots_received')
      .on('health_snapshots')
      .column('received_at')
      .execute();
  },
};
