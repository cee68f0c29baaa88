import type { Generated } from 'kysely';

/**
 * The reports delivered on schedule, one row per report (unique key such as `daily:2026-03-05`
 * or `monthly:2026-03:final`), so each is sent once across restarts and collectors. The row keeps
 * what was sent (the report's JSON): the monthly report is the record of the month's credits.
 */
export interface ReportDeliveriesTable {
  id: Generated<number>;
  report_key: string;
  kind: string;
  period: string;
  /** `sent`, or `skipped` when the contract called for no report (a daily without calls). */
  status: string;
  recipients: string;
  /** JSON of the report as sent; null when skipped. */
  content: string | null;
  mail_key: string | null;
  created_at: string;
}

export interface ReportTables {
  report_deliveries: ReportDeliveriesTable;
}
