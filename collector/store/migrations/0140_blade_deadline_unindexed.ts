import type { Kysely, Migration } from 'kysely';

/**
 * The (state, silent deadline) index of blades goes. Every health message moves its blade's
 * deadline, so the index took a delete and an insert per message, a quarter of the blade
 * upsert's cost on SQLite, and on PostgreSQL it kept those updates from being HOT. Its one reader
 * is the liveness pass (every 30 s, and at the next deadline), for which reading the blades table
 * costs less than keeping the index current for every message between passes.
 */
export const bladeDeadlineUnindexedMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('blades_deadline').ifExists().execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema
      .createIndex('blades_deadline')
      .on('blades')
      .columns(['state', 'silent_deadline'])
      .execute();
  },
};
