import { sql, type Kysely, type Migration } from 'kysely';

const COLUMNS = sql.raw(
  'blade_id, boot_id, seq, kind, site_id, frame_id, observed_at, received_at',
);

/** The identity table, keyed as `key` says (rebuilt: SQLite cannot change a primary key). */
async function rebuild(db: Kysely<unknown>, key: 'time' | 'blade'): Promise<void> {
  let table = db.schema
    .createTable('ingest_messages_next')
    .addColumn('blade_id', 'text', (c) => c.notNull())
    .addColumn('boot_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('frame_id', 'text', (c) => c.notNull())
    .addColumn('observed_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull());
  if (key === 'blade')
    table = table.addPrimaryKeyConstraint('ingest_messages_identity', [
      'blade_id',
      'boot_id',
      'seq',
    ]);
  await table.execute();
  await sql`insert into ingest_messages_next (${COLUMNS}) select ${COLUMNS} from ingest_messages`.execute(
    db,
  );
  await db.schema.dropTable('ingest_messages').execute();
  await db.schema.alterTable('ingest_messages_next').renameTo('ingest_messages').execute();
  if (key === 'time') {
    await db.schema
      .createIndex('ingest_messages_identity_time')
      .unique()
      .on('ingest_messages')
      .columns(['observed_at', 'blade_id', 'boot_id', 'seq'])
      .execute();
  }
  await db.schema
    .createIndex('ingest_messages_received')
    .on('ingest_messages')
    .column('received_at')
    .execute();
}

/**
 * A message's identity row is keyed by (observed_at, blade_id, boot_id, seq), time first, as a
 * health snapshot is (0100): a batch's identities land together at the end of the index instead
 * of on a page per blade. A redelivered or replayed message carries the same observation time.
 */
export const messageIdentityByTimeMigration: Migration = {
  up: (db) => rebuild(db, 'time'),
  down: (db) => rebuild(db, 'blade'),
};
