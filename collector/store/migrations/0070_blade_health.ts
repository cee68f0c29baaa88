import type { Kysely, Migration } from 'kysely';

/**
 * A blade's latest health lives only in health_snapshots (found through `last_health_at`): the
 * blade row, rewritten with every batch that hears from the blade, stays small.
 */
export const bladeHealthMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('blades').dropColumn('last_health').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('blades').addColumn('last_health', 'text').execute();
  },
};
