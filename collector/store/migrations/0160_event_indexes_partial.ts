import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Most ticket events (occurrences, storm children) need neither of two indexes every event
 * paid for: the dedupe key (set only on clock events, recorded at most once) and the type (read
 * only for replacement blades, by spare stock). Both become partial, so an occurrence touches
 * two indexes instead of four: a storm's commits carried a page of each index per fault.
 */
export const eventIndexesPartialMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('ticket_events_dedupe').execute();
    await db.schema
      .createIndex('ticket_events_dedupe')
      .unique()
      .on('ticket_events')
      .column('dedupe_key')
      .where(sql.ref('dedupe_key'), 'is not', null)
      .execute();
    await db.schema.dropIndex('ticket_events_type').execute();
    await db.schema
      .createIndex('ticket_events_replacements')
      .on('ticket_events')
      .column('at')
      .where(sql.ref('type'), '=', sql.lit('replacement-dispatched'))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('ticket_events_replacements').execute();
    await db.schema
      .createIndex('ticket_events_type')
      .on('ticket_events')
      .columns(['type', 'at'])
      .execute();
    await db.schema.dropIndex('ticket_events_dedupe').execute();
    await db.schema
      .createIndex('ticket_events_dedupe')
      .unique()
      .on('ticket_events')
      .column('dedupe_key')
      .execute();
  },
};
