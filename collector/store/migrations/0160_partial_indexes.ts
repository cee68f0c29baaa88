import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Indexes that most rows of a storm entered and no query of theirs reads, made partial: a
 * storm's commits carried a page of each of them per fault.
 * - Ticket events: the dedupe key is set only on clock events (recorded at most once), and the
 *   type is read only for replacement blades (spare stock); an occurrence or a child's event
 *   now touches two indexes instead of four.
 * - Tickets: storm detection looks for a frame's open faults without a parent; the children of
 *   a storm (most of its tickets) no longer enter that index.
 */
export const partialIndexesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('tickets_open_frame').execute();
    await db.schema
      .createIndex('tickets_open_frame')
      .on('tickets')
      .columns(['site_id', 'frame_id', 'detected_at'])
      .where((eb) =>
        eb.and([
          eb(sql.ref('active_fingerprint'), 'is not', null),
          eb(sql.ref('parent_id'), 'is', null),
        ]),
      )
      .execute();
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
    await db.schema.dropIndex('tickets_open_frame').execute();
    await db.schema
      .createIndex('tickets_open_frame')
      .on('tickets')
      .columns(['site_id', 'frame_id', 'parent_id', 'detected_at'])
      .where(sql.ref('active_fingerprint'), 'is not', null)
      .execute();
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
