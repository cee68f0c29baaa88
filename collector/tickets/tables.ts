import type { Generated } from 'kysely';

/**
 * The ticket tables. `ticket_events` is the truth (append-only); `tickets` is a projection of
 * each ticket's log kept in the same transaction as every append, for listing and filtering.
 */
export interface TicketsTable {
  id: Generated<number>;
  /** blade + signal + component: what makes two observations the same fault. */
  fingerprint: string;
  /**
   * The fingerprint while the ticket holds it (until fixed or closed), else null. A unique index
   * on it makes "one open ticket per fault" hold even with several collectors inserting at once.
   */
  active_fingerprint: string | null;
  parent_id: number | null;
  source: string;
  signal: string;
  component_kind: string;
  component_id: string;
  site_id: string;
  frame_id: string | null;
  blade_id: string | null;
  environment: string;
  domain: string;
  severity: number;
  service_severity: number;
  state: string;
  /** 1 for test calls (kept out of every SLR figure). */
  test: number;
  rule_id: string;
  summary: string;
  opened_at: string;
  detected_at: string;
  last_seen_at: string;
  occurrences: number;
  cleared_at: string | null;
  fixed_at: string | null;
  closed_at: string | null;
  /** 1 once any clock of the ticket breached. */
  breached: number;
  last_seq: number;
  updated_at: string;
  /**
   * When the clock engine must next look at this ticket (a warning, breach or escalation falls
   * due, or the log changed and the deadline is to be recomputed); null when nothing is pending.
   */
  clock_due_at: string | null;
}

export interface TicketEventsTable {
  id: Generated<number>;
  ticket_id: number;
  seq: number;
  at: string;
  type: string;
  /** JSON of the Actor. */
  actor: string;
  /** JSON of the event's data. */
  data: string;
  /**
   * Identity of an event that must be recorded once only (a clock's warning or breach for one
   * iteration, an escalation to one role); unique, null for ordinary events.
   */
  dedupe_key: string | null;
}

export interface TicketTables {
  tickets: TicketsTable;
  ticket_events: TicketEventsTable;
}
