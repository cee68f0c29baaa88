import type { Generated } from 'kysely';

export const DELIVERY_CHANNELS = ['webhook', 'email'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * The delivery queue and its log in one: a row per (event, channel, target), unique, so an event
 * is queued for a receiver once however often it is looked at. Rows are kept after delivery as
 * the log the API shows.
 */
export interface NotifyDeliveriesTable {
  id: Generated<number>;
  channel: DeliveryChannel;
  /** The webhook's name, or one email address (lower case). */
  target: string;
  /** What the delivery is for: `ticket-event:<id>`, or `mail:<key>` for mail sent by the Mailer. */
  event_key: string;
  /** The ticket event's id (ticket_events.id), when it is for one. */
  ticket_event_id: number | null;
  ticket_id: number | null;
  /** The ticket event's type, or `mail` for the Mailer. */
  event_type: string;
  /** The severity the routing used (the ticket's service severity), when there is one. */
  severity: number | null;
  /** One line for the log: the email's subject, or what the webhook tells. */
  subject: string;
  /** JSON: the webhook body without its per-attempt fields, or the rendered email. */
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  /** HTTP status or SMTP reply code of the last attempt. */
  last_code: number | null;
  /** A worker holds the row until then while it sends it (several collectors share the queue). */
  leased_until: string | null;
  leased_by: string | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
  /** The user who last sent it again by hand, and when. */
  retried_by: string | null;
  retried_at: string | null;
}

/** How far a follower has read an append-only log (here: ticket_events.id). */
export interface NotifyCursorsTable {
  name: string;
  /** Every id at or below it has been looked at. */
  position: number;
  updated_at: string;
}

export interface NotifyTables {
  notify_deliveries: NotifyDeliveriesTable;
  notify_cursors: NotifyCursorsTable;
}
