import type { Kysely, Migration } from 'kysely';
import { dialectOf, withSerialId } from '../dialect.js';

/** The fleet registry: sites, frames, blades with their liveness, and health snapshots. */
export const fleetMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const dialect = dialectOf(db);
    const real = dialect === 'postgres' ? 'double precision' : 'real';
    await db.schema
      .createTable('sites')
      .addColumn('site_id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text')
      .addColumn('address', 'text')
      .addColumn('contacts', 'text')
      .addColumn('in_contract', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('first_seen_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('frames')
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('frame_id', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull().defaultTo('ok'))
      .addColumn('state_since', 'text', (c) => c.notNull())
      .addColumn('first_seen_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('frames_pk', ['site_id', 'frame_id'])
      .execute();

    await db.schema
      .createTable('blades')
      .addColumn('blade_id', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('frame_id', 'text', (c) => c.notNull())
      .addColumn('hostname', 'text')
      .addColumn('blade_type', 'text')
      .addColumn('vendor', 'text')
      .addColumn('serial', 'text')
      .addColumn('firmware', 'text')
      .addColumn('os', 'text')
      .addColumn('kernel', 'text')
      .addColumn('arch', 'text')
      .addColumn('cpus', 'integer')
      .addColumn('memory_bytes', real)
      .addColumn('agent_version', 'text')
      .addColumn('software', 'text')
      .addColumn('declared_environment', 'text')
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('boot_id', 'text')
      .addColumn('heartbeat_s', real, (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('state_since', 'text', (c) => c.notNull())
      .addColumn('pending_since', 'text')
      .addColumn('fault', 'text')
      .addColumn('silent_deadline', 'text')
      .addColumn('first_seen_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('birth_at', 'text')
      .addColumn('last_health_at', 'text')
      .addColumn('last_health', 'text')
      .execute();
    await db.schema
      .createIndex('blades_frame')
      .on('blades')
      .columns(['site_id', 'frame_id'])
      .execute();
    await db.schema
      .createIndex('blades_deadline')
      .on('blades')
      .columns(['state', 'silent_deadline'])
      .execute();

    await withSerialId(db.schema.createTable('health_snapshots'), dialect)
      .addColumn('blade_id', 'text', (c) => c.notNull())
      .addColumn('observed_at', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('snapshot', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('health_snapshots_blade')
      .on('health_snapshots')
      .columns(['blade_id', 'received_at'])
      .execute();
    await db.schema
      .createIndex('health_snapshots_received')
      .on('health_snapshots')
      .column('received_at')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['health_snapshots', 'blades', 'frames', 'sites']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
