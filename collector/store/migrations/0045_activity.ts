import type { Kysely, Migration } from 'kysely';
import { dialectOf, withSerialId } from '../dialect.js';

/** The activity log (collector/activity/tables.ts). */
export const activityMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await withSerialId(db.schema.createTable('activity'), dialectOf(db))
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('site_id', 'text')
      .addColumn('frame_id', 'text')
      .addColumn('blade_id', 'text')
      .addColumn('data', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('activity_at').on('activity').column('at').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('activity').execute();
  },
};
