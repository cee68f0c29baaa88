import type { Generated } from 'kysely';

/**
 * Spare parts. The stock is derived (contract + dispatches + restocks); only what people record
 * (restocks) and what must be said once (alerts) is stored.
 */
export interface SpareRestocksTable {
  id: Generated<number>;
  site_id: string;
  spare_set_id: string;
  part: string;
  quantity: number;
  /** When the parts were put back (may be before it was recorded). */
  at: string;
  /** Who recorded it. */
  by: string;
  note: string;
  recorded_at: string;
}

/** A site below one full set: raised once, cleared by the restock that ends it. */
export interface SpareAlertsTable {
  id: Generated<number>;
  site_id: string;
  /** The site while the alert is open, else null: a unique index keeps one open alert a site. */
  open_site: string | null;
  raised_at: string;
  /** When the site fell below (the dispatch that took the last full set), if known. */
  below_since: string | null;
  /** JSON: what was missing when raised. */
  missing: string;
  reason: string;
  cleared_at: string | null;
}

export interface SpareTables {
  spare_restocks: SpareRestocksTable;
  spare_alerts: SpareAlertsTable;
}
