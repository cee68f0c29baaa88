import type { Generated } from 'kysely';

/**
 * The activity log: what the live stream announces beyond ticket events (blade and frame state
 * changes, site-wide alerts, contract changes), appended in the transaction that made the
 * change. Its serial id orders it, so a stream client that reconnects is served what it missed.
 */
export interface ActivityTable {
  id: Generated<number>;
  at: string;
  /** `blade.state`, `frame.state`, `alert`, `contract.updated`. */
  type: string;
  site_id: string | null;
  frame_id: string | null;
  blade_id: string | null;
  /** JSON object. */
  data: string;
}

export interface ActivityTables {
  activity: ActivityTable;
}
