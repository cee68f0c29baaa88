import type {
  AnyTicketEvent,
  Classification,
  Domain,
  OpenedData,
  Severity,
  SoftwareErrorClass,
  TicketState,
} from './ticket-events.js';

/**
 * The current view of a ticket, folded from its event log. Pure: the same events always give
 * the same view. Clocks are computed separately (collector/sla) from the same events.
 */
export interface TicketView {
  id: string;
  opened: OpenedData;
  openedAt: string;
  state: TicketState;
  severity: Severity;
  /** The severity whose targets apply: QA systems at severity 3 response time (Schedule A). */
  serviceSeverity: Severity;
  classification: Classification;
  /** Engineer's diagnosis when made, else the classification's domain. */
  domain: Domain;
  softwareClass: SoftwareErrorClass | null;
  test: boolean;
  occurrences: number;
  lastSeenAt: string;
  /** When the source last reported the condition gone; null while it persists. */
  clearedAt: string | null;
  acknowledgedAt: string | null;
  respondedAt: string | null;
  onSiteAt: string | null;
  diagnosedAt: string | null;
  replacementAt: string | null;
  fixedAt: string | null;
  resolution: string | null;
  closedAt: string | null;
  consent: { by: string; at: string; text: string } | null;
  updateTimes: string[];
  severityChanges: { at: string; from: Severity; to: Severity; reason: string }[];
  children: string[];
  /** The storm's parent ticket when this one is a child of it. */
  parentId: string | null;
  lastEventSeq: number;
}

const STATE_ORDER: TicketState[] = [
  'open',
  'responded',
  'on-site',
  'diagnosed',
  'replacement-dispatched',
  'fixed',
  'closed',
];

function advance(current: TicketState, to: TicketState): TicketState {
  return STATE_ORDER.indexOf(to) > STATE_ORDER.indexOf(current) ? to : current;
}

export function foldTicket(events: readonly AnyTicketEvent[]): TicketView {
  const first = events[0];
  if (!first || first.type !== 'opened') {
    throw new Error('a ticket log must begin with its opened event');
  }
  const opened = first.data;
  const view: TicketView = {
    id: first.ticketId,
    opened,
    openedAt: first.at,
    state: 'open',
    severity: opened.classification.severity,
    serviceSeverity: opened.classification.severity,
    classification: opened.classification,
    domain: opened.classification.domain,
    softwareClass: null,
    test: opened.test,
    occurrences: 1,
    lastSeenAt: opened.observedAt,
    clearedAt: null,
    acknowledgedAt: null,
    respondedAt: null,
    onSiteAt: null,
    diagnosedAt: null,
    replacementAt: null,
    fixedAt: null,
    resolution: null,
    closedAt: null,
    consent: null,
    updateTimes: [],
    severityChanges: [],
    children: [],
    parentId: opened.parentId,
    lastEventSeq: first.seq,
  };

  for (const event of events.slice(1)) {
    view.lastEventSeq = event.seq;
    switch (event.type) {
      case 'occurrence':
        view.occurrences++;
        view.lastSeenAt = event.data.observedAt;
        // The condition is back: it is no longer cleared.
        view.clearedAt = null;
        break;
      case 'cleared':
        view.clearedAt = event.data.observedAt;
        break;
      case 'severity-raised':
        view.severityChanges.push({ at: event.at, ...event.data });
        view.severity = event.data.to;
        break;
      case 'acknowledged':
        view.acknowledgedAt ??= event.at;
        view.respondedAt ??= event.at;
        view.state = advance(view.state, 'responded');
        break;
      case 'responded':
        view.respondedAt ??= event.at;
        view.state = advance(view.state, 'responded');
        break;
      case 'arrived-on-site':
        view.onSiteAt ??= event.at;
        view.respondedAt ??= event.at;
        view.state = advance(view.state, 'on-site');
        break;
      case 'diagnosed':
        view.diagnosedAt ??= event.at;
        view.domain = event.data.domain;
        view.softwareClass = event.data.softwareClass;
        view.state = advance(view.state, 'diagnosed');
        break;
      case 'replacement-dispatched':
        view.replacementAt ??= event.at;
        view.state = advance(view.state, 'replacement-dispatched');
        break;
      case 'update-sent':
        view.updateTimes.push(event.at);
        break;
      case 'fixed':
        view.fixedAt = event.at;
        view.resolution = event.data.resolution;
        view.state = advance(view.state, 'fixed');
        break;
      case 'closed':
        view.closedAt = event.at;
        view.consent = event.data.consent;
        view.state = 'closed';
        break;
      case 'child-attached':
        view.children.push(event.data.childId);
        break;
      case 'parent-attached':
        view.parentId = event.data.parentId;
        break;
      case 'note':
      case 'clock-warning':
      case 'clock-breached':
      case 'escalated':
      case 'opened':
        break;
    }
  }
  // QA is served at severity 3 response time, never faster nor slower than its own severity's.
  view.serviceSeverity =
    opened.environment === 'qa' ? (Math.max(view.severity, 3) as Severity) : view.severity;
  return view;
}
