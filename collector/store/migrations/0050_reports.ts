import type { Kysely, Migration } from 'kysely';
import { dialectOf, withSerialId } from '../dialect.js';

/**
 * Contract reporting: scheduled report deliveries, spare-part restocks and alerts, release
 * notices (collector/reports, collector/spares, collector/releases). Figures themselves are
 * recomputed from the ticket logs and are not stored.
 */
export const reportsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const dialect = dialectOf(db);
    await withSerialId(db.schema.createTable('report_deliveries'), dialect)
      .addColumn('report_key', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('period', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('recipients', 'text', (c) => c.notNull())
      .addColumn('content', 'text')
      .addColumn('mail_key', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await withSerialId(db.schema.createTable('spare_restocks'), dialect)
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('spare_set_id', 'text', (c) => c.notNull())
      .addColumn('part', 'text', (c) => c.notNull())
      .addColumn('quantity', 'integer', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('by', 'text', (c) => c.notNull())
      .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('spare_restocks_site')
      .on('spare_restocks')
      .columns(['site_id', 'at'])
      .execute();

    await withSerialId(db.schema.createTable('spare_alerts'), dialect)
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('open_site', 'text', (c) => c.unique())
      .addColumn('raised_at', 'text', (c) => c.notNull())
      .addColumn('below_since', 'text')
      .addColumn('missing', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('cleared_at', 'text')
      .execute();

    await withSerialId(db.schema.createTable('release_notices'), dialect)
      .addColumn('release_key', 'text', (c) => c.notNull().unique())
      .addColumn('product', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('end_of_support', 'text', (c) => c.notNull())
      .addColumn('blades', 'text', (c) => c.notNull())
      .addColumn('recipients', 'text', (c) => c.notNull())
      .addColumn('late', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .addColumn('mailed_at', 'text')
      .addColumn('mail_key', 'text')
      .execute();

    // Spare stock replays every replacement dispatched: find them without reading every event.
    await db.schema
      .createIndex('ticket_events_type')
      .on('ticket_events')
      .columns(['type', 'at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('ticket_events_type').execute();
    for (const table of [
      'release_notices',
      'spare_alerts',
      'spare_restocks',
      'report_deliveries',
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
