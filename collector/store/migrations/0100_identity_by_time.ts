import type { Kysely, Migration } from 'kysely';

/**
 * A health snapshot's unique identity leads with the agent's observation time:
 * (observed_at, blade_id, boot_id, seq). Keyed by blade first, every batch (a message from
 * each of some hundred blades) wrote a leaf page of that B-tree per blade; keyed by time first,
 * a batch's snapshots land together at the end of the index. A redelivered or replayed message
 * is the same payload, its observation time included, so it still conflicts.
 */
export const identityByTimeMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('health_snapshots_identity_time')
      .unique()
      .on('health_snapshots')
      .columns(['observed_at', 'blade_id', 'boot_id', 'seq'])
      .execute();
    await db.schema.dropIndex('health_snapshots_identity').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema
      .createIndex('health_snapshots_identity')
      .unique()
      .on('health_snapshots')
      .columns(['blade_id', 'boot_id', 'seq'])
      .execute();
    await db.schema.dropIndex('health_snapshots_identity_time').execute();
  },
};
