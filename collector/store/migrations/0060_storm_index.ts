import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The open tickets of a frame without a parent, by detection time: what storm detection asks
 * for each new fault. Partial (open tickets only), so closed tickets never slow it down.
 */
export const stormIndexMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('tickets_open_frame')
      .on('tickets')
      .columns(['site_id', 'frame_id', 'parent_id', 'detected_at'])
      .where(sql.ref('active_fingerprint'), 'is not', null)
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('tickets_open_frame').execute();
  },
};
