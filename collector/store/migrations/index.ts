import type { Migration } from 'kysely';
import { authMigration } from '../../auth/migration.js';
import { ticketsMigration } from './0002_tickets.js';
import { ingestMigration } from './0010_ingest.js';
import { fleetMigration } from './0011_fleet.js';
import { notifyMigration } from './0040_notify.js';
import { notifyRetriesMigration } from './0041_notify_retries.js';
import { activityMigration } from './0045_activity.js';
import { reportsMigration } from './0050_reports.js';
import { stormIndexMigration } from './0060_storm_index.js';
import { bladeHealthMigration } from './0070_blade_health.js';
import { healthIdentityMigration } from './0080_health_identity.js';
import { snapshotPruneMigration } from './0090_snapshot_prune.js';
import { identityByTimeMigration } from './0100_identity_by_time.js';
import { snapshotMinuteMigration } from './0110_snapshot_minute.js';
import { messageIdentityByTimeMigration } from './0120_message_identity_by_time.js';
import { snapshotChainMigration } from './0130_snapshot_chain.js';
import { bladeDeadlineUnindexedMigration } from './0140_blade_deadline_unindexed.js';
import { fleetMarksMigration } from './0150_fleet_marks.js';
import { partialIndexesMigration } from './0160_partial_indexes.js';

/**
 * Every migration, in order. Names sort by their number prefix; each area adds its own file and
 * registers it here. Migrations are code (not scanned files) so the bundled collector has them.
 */
export const migrations: Record<string, Migration> = {
  '0002_tickets': ticketsMigration,
  '0003_auth': authMigration,
  '0010_ingest': ingestMigration,
  '0011_fleet': fleetMigration,
  '0040_notify': notifyMigration,
  '0041_notify_retries': notifyRetriesMigration,
  '0045_activity': activityMigration,
  '0050_reports': reportsMigration,
  '0060_storm_index': stormIndexMigration,
  '0070_blade_health': bladeHealthMigration,
  '0080_health_identity': healthIdentityMigration,
  '0090_snapshot_prune': snapshotPruneMigration,
  '0100_identity_by_time': identityByTimeMigration,
  '0110_snapshot_minute': snapshotMinuteMigration,
  '0120_message_identity_by_time': messageIdentityByTimeMigration,
  '0130_snapshot_chain': snapshotChainMigration,
  '0140_blade_deadline_unindexed': bladeDeadlineUnindexedMigration,
  '0150_fleet_marks': fleetMarksMigration,
  '0160_partial_indexes': partialIndexesMigration,
};
