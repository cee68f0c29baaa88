import type { Kysely, Migration } from 'kysely';
import { dialectOf, withSerialId } from '../dialect.js';

/** Message identities (the dedup key) and dead letters. */
export const ingestMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const dialect = dialectOf(db);
    await db.schema
      .createTable('ingest_messages')
      .addColumn('blade_id', 'text', (c) => c.notNull())
      .addColumn('boot_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('frame_id', 'text', (c) => c.notNull())
      .addColumn('observed_at', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ingest_messages_identity', ['blade_id', 'boot_id', 'seq'])
      .execute();
    await db.schema
      .createIndex('ingest_messages_received')
      .on('ingest_messages')
      .column('received_at')
      .execute();

    await withSerialId(db.schema.createTable('dead_letters'), dialect)
      .addColumn('topic', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('payload_encoding', 'text', (c) => c.notNull())
      .addColumn('payload_bytes', 'integer', (c) => c.notNull())
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('dead_letters_received')
      .on('dead_letters')
      .column('received_at')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('dead_letters').execute();
    await db.schema.dropTable('ingest_messages').execute();
  },
};
