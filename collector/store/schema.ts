/**
 * The Kysely view of the whole database: each area of the collector declares its own tables in
 * its own file and they are joined here. Timestamps are ISO-8601 UTC text in both dialects, so
 * they compare and sort the same on SQLite and PostgreSQL; JSON is stored as text.
 */
import type { ActivityTables } from '../activity/tables.js';
import type { AuthTables } from '../auth/tables.js';
import type { FleetTables } from '../fleet/tables.js';
import type { IngestTables } from '../ingest/tables.js';
import type { NotifyTables } from '../notify/tables.js';
import type { ReleaseTables } from '../releases/tables.js';
import type { ReportTables } from '../reports/tables.js';
import type { SpareTables } from '../spares/tables.js';
import type { TicketTables } from '../tickets/tables.js';

export interface Database
  extends
    AuthTables,
    TicketTables,
    IngestTables,
    FleetTables,
    NotifyTables,
    ActivityTables,
    ReportTables,
    SpareTables,
    ReleaseTables {}
