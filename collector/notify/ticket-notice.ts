import type { Contract } from '../../shared/config/contract.js';
import { foldTicket } from '../domain/fold.js';
import type {
  Actor,
  AnyTicketEvent,
  ClockStatus,
  Domain,
  EscalationRole,
  Severity,
  TicketState,
} from '../domain/ticket-events.js';
import type { BusinessCalendar } from '../sla/calendar.js';
import { computeClocks } from '../sla/clocks.js';

/** A ticket event as read back from the log, with its global id. */
export interface StoredTicketEvent {
  id: string;
  event: AnyTicketEvent;
}

/** The ticket as a notification shows it, at the moment of the event. */
export interface NoticeTicket {
  id: string;
  state: TicketState;
  severity: Severity;
  /** The severity whose targets apply (QA systems are served at severity 3). */
  serviceSeverity: Severity;
  domain: Domain;
  signal: string;
  summary: string;
  component: { kind: string; id: string; location: string | null };
  siteId: string;
  frameId: string | null;
  bladeId: string | null;
  environment: string;
  test: boolean;
  parentId: string | null;
  ruleId: string;
  explanation: string;
  source: string;
  contact: string | null;
  openedAt: string;
  detectedAt: string;
  occurrences: number;
  fixedAt: string | null;
  resolution: string | null;
  closedAt: string | null;
}

export interface NoticeSite {
  id: string;
  name: string;
  /** IANA zone the site reads its times in. */
  zone: string;
  address: string;
}

/** Everything a webhook body or an email is made from: one ticket event in its context. */
export interface TicketNotice {
  /** `ticket-event:<id>`: the same for every receiver and every attempt. */
  key: string;
  event: {
    id: string;
    ticketId: string;
    seq: number;
    type: AnyTicketEvent['type'];
    at: string;
    actor: Actor;
    data: AnyTicketEvent['data'];
  };
  ticket: NoticeTicket;
  /** The clock a warning or breach is about. */
  clock: ClockStatus | null;
  /** The clocks still running after the event (for a new call: its deadlines). */
  clocks: ClockStatus[];
  /** For an escalation: the role told and the severity whose row it followed. */
  escalation: { role: EscalationRole; severity: Severity; after: string } | null;
  site: NoticeSite;
  link: string;
}

export interface NoticeContext {
  contract: Contract;
  calendar: BusinessCalendar;
  /** e.g. `https://callhome.example.net` and `/#/tickets/{id}`. */
  dashboardUrl: string;
  ticketPath: string;
}

export function noticeKey(eventId: string): string {
  return `ticket-event:${eventId}`;
}

export function ticketLink(ctx: Pick<NoticeContext, 'dashboardUrl' | 'ticketPath'>, id: string) {
  return `${ctx.dashboardUrl.replace(/\/+$/, '')}${ctx.ticketPath.replace('{id}', encodeURIComponent(id))}`;
}

/**
 * The notice of one event, from the ticket's log as it stood right after it: the view folded up
 * to that event and the clocks at its time, so a notice built late (after a restart) reads as it
 * would have at the moment.
 */
export function buildNotice(
  stored: StoredTicketEvent,
  log: readonly AnyTicketEvent[],
  ctx: NoticeContext,
): TicketNotice {
  const { event } = stored;
  const upTo = log.filter((e) => e.seq <= event.seq);
  const view = foldTicket(upTo);
  const child = view.parentId !== null;
  // A storm's child has no clocks of its own: its parent carries them.
  const clocks = child
    ? []
    : computeClocks(upTo, {
        contract: ctx.contract,
        calendar: ctx.calendar,
        now: new Date(event.at),
      });
  let clock: ClockStatus | null = null;
  if (event.type === 'clock-warning' || event.type === 'clock-breached') {
    const { clock: kind, iteration } = event.data;
    clock = clocks.find((c) => c.kind === kind && c.iteration === iteration) ?? {
      // The clock is no longer derivable (e.g. the contract changed since): show what was recorded.
      kind,
      iteration,
      calendar: 'continuous',
      startedAt: view.openedAt,
      dueAt: event.data.dueAt,
      warnAt: event.data.dueAt,
      metAt: null,
      state: event.type === 'clock-breached' ? 'breached' : 'running',
      marginMs: Date.parse(event.data.dueAt) - Date.parse(event.at),
    };
  }
  const site = ctx.contract.sites.find((s) => s.id === view.opened.siteId);
  const opened = view.opened;
  return {
    key: noticeKey(stored.id),
    event: {
      id: stored.id,
      ticketId: event.ticketId,
      seq: event.seq,
      type: event.type,
      at: event.at,
      actor: event.actor,
      data: event.data,
    },
    ticket: {
      id: view.id,
      state: view.state,
      severity: view.severity,
      serviceSeverity: view.serviceSeverity,
      domain: view.domain,
      signal: opened.signal,
      summary: opened.summary,
      component: {
        kind: opened.component.kind,
        id: opened.component.id,
        location: opened.component.location ?? null,
      },
      siteId: opened.siteId,
      frameId: opened.frameId,
      bladeId: opened.bladeId,
      environment: opened.environment,
      test: view.test,
      parentId: view.parentId,
      ruleId: view.classification.ruleId,
      explanation: view.classification.explanation,
      source: opened.source,
      contact: opened.contact,
      openedAt: view.openedAt,
      detectedAt: opened.detectedAt,
      occurrences: view.occurrences,
      fixedAt: view.fixedAt,
      resolution: view.resolution,
      closedAt: view.closedAt,
    },
    clock,
    clocks: clocks.filter((c) => c.state === 'running'),
    escalation:
      event.type === 'escalated'
        ? { role: event.data.role, severity: event.data.severity, after: event.data.after }
        : null,
    site: {
      id: opened.siteId,
      name: site?.name ?? opened.siteId,
      zone: site?.zone ?? ctx.contract.businessHours.zone,
      address: site
        ? [
            site.address.street,
            site.address.city,
            `${site.address.region} ${site.address.postalCode}`,
          ]
            .join(', ')
            .trim()
        : '',
    },
    link: ticketLink(ctx, view.id),
  };
}
