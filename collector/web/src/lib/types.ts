// The shapes the dashboard reads, taken from the collector's own modules (types only: nothing
// of the server is bundled), so a change of the API's shapes fails the type check here too.
export type { TicketSummary } from '../../../tickets/ticket-queries.js';
export type { TicketDetail } from '../../../tickets/ticket-service.js';
export type { TicketView } from '../../../domain/fold.js';
export type {
  AnyTicketEvent,
  ClockKind,
  ClockStatus,
  Domain,
  Role,
  Severity,
  TicketState,
} from '../../../domain/ticket-events.js';
export type { EscalationStatus } from '../../../sla/escalation.js';
export type { BladeView, SiteView } from '../../../fleet/fleet-queries.js';
export type { Permission } from '../../../auth/permissions.js';

import type { Permission } from '../../../auth/permissions.js';
import type { Role } from '../../../domain/ticket-events.js';
import type { ClockStatus } from '../../../domain/ticket-events.js';
import type { TicketSummary } from '../../../tickets/ticket-queries.js';

/** `GET /api/me`. */
export interface Me {
  userId: string;
  name: string;
  role: Role;
  permissions: Permission[];
  /** The ticket actions the role may take (`open-call`, `respond`, ...), as the API says. */
  actions?: string[];
}

/** A ticket of the list with its clocks at the time it was read (`?clocks=true`). */
export interface ListedTicket extends TicketSummary {
  clocks: ClockStatus[];
  /** A storm's child: the parent whose clocks serve it. */
  clocksCarriedBy: string | null;
}

/** One row of `GET /api/slr`. */
export interface SlrRow {
  siteId: string;
  siteName: string | null;
  month: string;
  calls: number;
  met: number;
  percent: number | null;
  thresholdPercent: number;
  belowThreshold: boolean;
  credit: unknown;
}

/** One message of the live stream (`GET /api/stream`). */
export interface StreamMessage {
  id: string;
  type: string;
  at: string;
  data: Record<string, unknown>;
}
