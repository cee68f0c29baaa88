import type { Kysely, Migration } from 'kysely';
import { dialectOf, withSerialId } from '../dialect.js';

/** Tickets and their append-only event log (collector/tickets/tables.ts). */
export const ticketsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const dialect = dialectOf(db);
    await withSerialId(db.schema.createTable('tickets'), dialect)
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('active_fingerprint', 'text')
      .addColumn('parent_id', 'integer')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('signal', 'text', (c) => c.notNull())
      .addColumn('component_kind', 'text', (c) => c.notNull())
      .addColumn('component_id', 'text', (c) => c.notNull())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('frame_id', 'text')
      .addColumn('blade_id', 'text')
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('domain', 'text', (c) => c.notNull())
      .addColumn('severity', 'integer', (c) => c.notNull())
      .addColumn('service_severity', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('test', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('rule_id', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('opened_at', 'text', (c) => c.notNull())
      .addColumn('detected_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('occurrences', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('cleared_at', 'text')
      .addColumn('fixed_at', 'text')
      .addColumn('closed_at', 'text')
      .addColumn('breached', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_seq', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('clock_due_at', 'text')
      .execute();
    await db.schema
      .createIndex('tickets_active_fingerprint')
      .unique()
      .on('tickets')
      .column('active_fingerprint')
      .execute();
    await db.schema
      .createIndex('tickets_state')
      .on('tickets')
      .columns(['state', 'opened_at'])
      .execute();
    await db.schema
      .createIndex('tickets_place')
      .on('tickets')
      .columns(['site_id', 'frame_id', 'blade_id'])
      .execute();
    await db.schema.createIndex('tickets_clock_due').on('tickets').column('clock_due_at').execute();
    await db.schema.createIndex('tickets_parent').on('tickets').column('parent_id').execute();

    await withSerialId(db.schema.createTable('ticket_events'), dialect)
      .addColumn('ticket_id', 'integer', (c) => c.notNull().references('tickets.id'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('dedupe_key', 'text')
      .addUniqueConstraint('ticket_events_ticket_seq', ['ticket_id', 'seq'])
      .execute();
    await db.schema
      .createIndex('ticket_events_dedupe')
      .unique()
      .on('ticket_events')
      .column('dedupe_key')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('ticket_events').execute();
    await db.schema.dropTable('tickets').execute();
  },
};
