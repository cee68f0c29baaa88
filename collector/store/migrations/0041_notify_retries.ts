import type { Kysely, Migration } from 'kysely';

/** Who last sent a delivery again by hand, and when (the delivery log shows it). */
export const notifyRetriesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('notify_deliveries').addColumn('retried_by', 'text').execute();
    await db.schema.alterTable('notify_deliveries').addColumn('retried_at', 'text').execute();
    // Pruning the log looks for old finished deliveries.
    await db.schema
      .createIndex('notify_deliveries_updated')
      .on('notify_deliveries')
      .columns(['status', 'updated_at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('notify_deliveries_updated').execute();
    await db.schema.alterTable('notify_deliveries').dropColumn('retried_at').execute();
    await db.schema.alterTable('notify_deliveries').dropColumn('retried_by').execute();
  },
};
