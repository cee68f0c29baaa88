import { sql, type Kysely, type Migration } from 'kysely';
import { dialectOf, isoNowDefault, withSerialId } from '../dialect.js';

/** The notification delivery queue and the cursor over ticket events (collector/notify/tables.ts). */
export const notifyMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const dialect = dialectOf(db);
    await withSerialId(db.schema.createTable('notify_deliveries'), dialect)
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('event_key', 'text', (c) => c.notNull())
      .addColumn('ticket_event_id', 'bigint')
      .addColumn('ticket_id', 'bigint')
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('severity', 'integer')
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('last_code', 'integer')
      .addColumn('leased_until', 'text')
      .addColumn('leased_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('delivered_at', 'text')
      .addUniqueConstraint('notify_deliveries_once', ['event_key', 'channel', 'target'])
      .execute();
    // The worker's question: the oldest pending delivery of each target that is due.
    await db.schema
      .createIndex('notify_deliveries_pending')
      .on('notify_deliveries')
      .columns(['status', 'channel', 'target', 'id'])
      .execute();
    await db.schema
      .createIndex('notify_deliveries_ticket')
      .on('notify_deliveries')
      .column('ticket_id')
      .execute();

    await db.schema
      .createTable('notify_cursors')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('position', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    // Notifications start from now: a store upgraded with history does not mail its past.
    await sql`
      insert into notify_cursors (name, position, updated_at)
      select 'ticket-events', coalesce(max(id), 0), ${isoNowDefault(dialect)} from ticket_events
    `.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('notify_cursors').execute();
    await db.schema.dropTable('notify_deliveries').execute();
  },
};
