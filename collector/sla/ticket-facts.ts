import type {
  AnyTicketEvent,
  ClockKind,
  EscalationRole,
  OpenedData,
  Severity,
} from '../domain/ticket-events.js';

/** A span of the ticket's life at one severity, from detection or from a customer's raise. */
export interface SeveritySpan {
  from: number;
  severity: Severity;
  /** The severity whose targets apply: QA systems at severity 3 response time at best. */
  service: Severity;
  raised: boolean;
}

/**
 * What the clocks need from a ticket's log, as epoch milliseconds in log order. Pure and
 * independent of the contract, so the clock rules read like the contract's sentences.
 */
export interface TicketFacts {
  opened: OpenedData;
  detectedAt: number;
  qa: boolean;
  test: boolean;
  /** A storm's child: its parent carries the clocks and escalations. */
  child: boolean;
  spans: SeveritySpan[];
  /** Every event that shows an engineer engaged (response, on site, diagnosis, ...). */
  engagements: number[];
  arrivals: number[];
  diagnoses: { at: number; domain: 'hardware' | 'software' }[];
  replacements: number[];
  updates: number[];
  fixedAt: number | null;
  closedAt: number | null;
  warned: Set<string>;
  breached: Set<string>;
  escalated: Map<EscalationRole, number>;
}

export function clockKey(kind: ClockKind, iteration: number): string {
  return `${kind}#${iteration}`;
}

export function serviceSeverity(severity: Severity, qa: boolean): Severity {
  return qa ? (Math.max(severity, 3) as Severity) : severity;
}

export function ticketFacts(events: readonly AnyTicketEvent[]): TicketFacts {
  const first = events[0];
  if (!first || first.type !== 'opened') {
    throw new Error('a ticket log must begin with its opened event');
  }
  const opened = first.data;
  const detectedAt = Date.parse(opened.detectedAt);
  const qa = opened.environment === 'qa';
  const severity = opened.classification.severity;
  const facts: TicketFacts = {
    opened,
    detectedAt,
    qa,
    test: opened.test,
    child: opened.parentId !== null,
    spans: [{ from: detectedAt, severity, service: serviceSeverity(severity, qa), raised: false }],
    engagements: [],
    arrivals: [],
    diagnoses: [],
    replacements: [],
    updates: [],
    fixedAt: null,
    closedAt: null,
    warned: new Set(),
    breached: new Set(),
    escalated: new Map(),
  };
  for (const event of events.slice(1)) {
    const at = Date.parse(event.at);
    switch (event.type) {
      case 'severity-raised':
        facts.spans.push({
          from: at,
          severity: event.data.to,
          service: serviceSeverity(event.data.to, qa),
          raised: true,
        });
        break;
      case 'acknowledged':
      case 'responded':
        facts.engagements.push(at);
        break;
      case 'arrived-on-site':
        facts.engagements.push(at);
        facts.arrivals.push(at);
        break;
      case 'diagnosed':
        facts.engagements.push(at);
        facts.diagnoses.push({ at, domain: event.data.domain });
        break;
      case 'replacement-dispatched':
        facts.engagements.push(at);
        facts.replacements.push(at);
        break;
      case 'update-sent':
        facts.engagements.push(at);
        facts.updates.push(at);
        break;
      case 'fixed':
        facts.engagements.push(at);
        facts.fixedAt ??= at;
        break;
      case 'closed':
        facts.engagements.push(at);
        facts.closedAt ??= at;
        break;
      case 'clock-warning':
        facts.warned.add(clockKey(event.data.clock, event.data.iteration));
        break;
      case 'clock-breached':
        facts.breached.add(clockKey(event.data.clock, event.data.iteration));
        break;
      case 'parent-attached':
        facts.child = true;
        break;
      case 'escalated':
        if (!facts.escalated.has(event.data.role)) facts.escalated.set(event.data.role, at);
        break;
      default:
        break;
    }
  }
  for (const list of [
    facts.engagements,
    facts.arrivals,
    facts.replacements,
    facts.updates,
  ] as number[][]) {
    list.sort((a, b) => a - b);
  }
  facts.diagnoses.sort((a, b) => a.at - b.at);
  facts.spans.sort((a, b) => a.from - b.from);
  return facts;
}

/** The span in force at an instant. */
export function spanAt(facts: TicketFacts, at: number): SeveritySpan {
  let current = facts.spans[0]!;
  for (const span of facts.spans) {
    if (span.from <= at) current = span;
    else break;
  }
  return current;
}

/** The first time in a sorted list at or after `from`, or null. */
export function firstAtOrAfter(times: readonly number[], from: number): number | null {
  for (const t of times) if (t >= from) return t;
  return null;
}
