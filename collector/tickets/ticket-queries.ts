import type { Domain, Severity, TicketState } from '../domain/ticket-events.js';
import type { Db, TicketRow } from './ticket-store.js';

/** Filters of the ticket list; every one optional, all must hold. */
export interface TicketFilter {
  state?: TicketState[];
  severity?: Severity[];
  siteId?: string;
  frameId?: string;
  bladeId?: string;
  domain?: Domain[];
  breached?: boolean;
  test?: boolean;
  parentId?: string;
  /** Keyset paging: tickets with an id below this one (newest first). */
  before?: number;
  limit?: number;
}

/** A ticket as listed: the projection, without its log. */
export interface TicketSummary {
  id: string;
  state: TicketState;
  severity: Severity;
  serviceSeverity: Severity;
  domain: Domain;
  signal: string;
  summary: string;
  ruleId: string;
  source: string;
  siteId: string;
  frameId: string | null;
  bladeId: string | null;
  component: { kind: string; id: string };
  environment: string;
  test: boolean;
  breached: boolean;
  occurrences: number;
  parentId: string | null;
  openedAt: string;
  detectedAt: string;
  lastSeenAt: string;
  clearedAt: string | null;
  fixedAt: string | null;
  closedAt: string | null;
  updatedAt: string;
}

export function toSummary(row: TicketRow): TicketSummary {
  return {
    id: String(row.id),
    state: row.state as TicketState,
    severity: Number(row.severity) as Severity,
    serviceSeverity: Number(row.service_severity) as Severity,
    domain: row.domain as Domain,
    signal: row.signal,
    summary: row.summary,
    ruleId: row.rule_id,
    source: row.source,
    siteId: row.site_id,
    frameId: row.frame_id,
    bladeId: row.blade_id,
    component: { kind: row.component_kind, id: row.component_id },
    environment: row.environment,
    test: Number(row.test) === 1,
    breached: Number(row.breached) === 1,
    occurrences: Number(row.occurrences),
    parentId: row.parent_id === null ? null : String(row.parent_id),
    openedAt: row.opened_at,
    detectedAt: row.detected_at,
    lastSeenAt: row.last_seen_at,
    clearedAt: row.cleared_at,
    fixedAt: row.fixed_at,
    closedAt: row.closed_at,
    updatedAt: row.updated_at,
  };
}

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 500;

/** Lists tickets newest first; `next` is the `before` of the following page, or null. */
export async function listTickets(
  db: Db,
  filter: TicketFilter = {},
): Promise<{ tickets: TicketSummary[]; next: string | null }> {
  const limit = Math.min(Math.max(filter.limit ?? DEFAULT_PAGE, 1), MAX_PAGE);
  const rows = await db
    .selectFrom('tickets')
    .selectAll()
    .$if(!!filter.state?.length, (q) => q.where('state', 'in', filter.state!))
    .$if(!!filter.severity?.length, (q) => q.where('severity', 'in', filter.severity!))
    .$if(!!filter.domain?.length, (q) => q.where('domain', 'in', filter.domain!))
    .$if(filter.siteId !== undefined, (q) => q.where('site_id', '=', filter.siteId!))
    .$if(filter.frameId !== undefined, (q) => q.where('frame_id', '=', filter.frameId!))
    .$if(filter.bladeId !== undefined, (q) => q.where('blade_id', '=', filter.bladeId!))
    .$if(filter.breached !== undefined, (q) => q.where('breached', '=', filter.breached ? 1 : 0))
    .$if(filter.test !== undefined, (q) => q.where('test', '=', filter.test ? 1 : 0))
    .$if(filter.parentId !== undefined, (q) => q.where('parent_id', '=', Number(filter.parentId)))
    .$if(filter.before !== undefined, (q) => q.where('id', '<', filter.before!))
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  return {
    tickets: page.map(toSummary),
    next: rows.length > limit ? String(page[page.length - 1]!.id) : null,
  };
}
