import type { Kysely, Migration } from 'kysely';

/**
 * Marks the fleet keeps across restarts: `blade_heads_unwritten_from`, the lowest snapshot id a
 * blade's row may not name yet (its heard columns left unwritten for a while), from which a
 * collector that stopped without writing them repairs the rows at its next start.
 */
export const fleetMarksMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('fleet_marks')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'bigint')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('fleet_marks').execute();
  },
};
