import type { Contract } from '../../shared/config/contract.js';
import { foldTicket } from '../domain/fold.js';
import type {
  AnyTicketEvent,
  ClockStatus,
  Severity,
  TicketState,
} from '../domain/ticket-events.js';
import type { BusinessCalendar } from '../sla/calendar.js';
import { computeClocks } from '../sla/clocks.js';
import type { SpareShortfall } from '../spares/spare-stock.js';
import { contactOf, describeResolution } from './describe-call.js';
import type { Period } from './period.js';

/**
 * The daily report of Schedule A: "if there are any outstanding calls that are not in closed
 * status, or on the day that a call is closed". It lists the calls not closed at the end of the
 * day with their clocks, the calls closed that day, and the sites short of a full spare set.
 */
export interface OutstandingCall {
  ticketId: string;
  siteId: string;
  siteName: string | null;
  frameId: string | null;
  bladeId: string | null;
  severity: Severity;
  serviceSeverity: Severity;
  environment: string;
  domain: string;
  state: TicketState;
  summary: string;
  contact: string | null;
  detectedAt: string;
  openedAt: string;
  respondedAt: string | null;
  fixedAt: string | null;
  /** Every clock of the call at the report's moment. */
  clocks: ClockStatus[];
  /** The running clock due soonest, if any. */
  nextDue: ClockStatus | null;
  breached: boolean;
}

export interface ClosedCall {
  ticketId: string;
  siteId: string;
  siteName: string | null;
  severity: Severity;
  summary: string;
  contact: string | null;
  detectedAt: string;
  fixedAt: string | null;
  closedAt: string;
  resolution: string | null;
  consent: { by: string; at: string; text: string } | null;
  /** Clocks that breached during the call's life. */
  breaches: ClockStatus[];
}

export interface DailyReport {
  kind: 'daily';
  title: string;
  date: string;
  zone: string;
  from: string;
  to: string;
  generatedAt: string;
  /** The moment the report describes: the end of the day, or now when the day is not over. */
  asOf: string;
  /** Whether the contract calls for the report this day, and why. */
  required: boolean;
  reasons: string[];
  outstanding: OutstandingCall[];
  closed: ClosedCall[];
  spares: SpareShortfall[];
}

export interface DailyInput {
  contract: Contract;
  calendar: BusinessCalendar;
  period: Period;
  generatedAt: Date;
  /** Logs of the calls open at some moment of the day or closed in it. */
  logs: readonly (readonly AnyTicketEvent[])[];
  spares: SpareShortfall[];
}

/** Builds the daily report. Pure: test calls and storm children (their parent is the call) are left out. */
export function buildDailyReport(input: DailyInput): DailyReport {
  const { contract, calendar, period } = input;
  const asOf = new Date(Math.min(period.end.getTime(), input.generatedAt.getTime()));
  const end = period.end.getTime();
  // What had happened by `asOf`; an event at the day's end (midnight) belongs to the next day.
  const happened = (at: string) => Date.parse(at) <= asOf.getTime() && Date.parse(at) < end;
  const siteName = (id: string) => contract.sites.find((s) => s.id === id)?.name ?? null;
  const outstanding: OutstandingCall[] = [];
  const closed: ClosedCall[] = [];
  for (const log of input.logs) {
    if (!happened(log[0]!.at)) continue;
    const seen = log.filter((e) => happened(e.at));
    const view = foldTicket(seen);
    if (view.test || view.parentId !== null) continue;
    const clocks = computeClocks(seen, { contract, calendar, now: asOf });
    if (view.closedAt !== null) {
      const closedAt = Date.parse(view.closedAt);
      if (closedAt < period.start.getTime()) continue;
      closed.push({
        ticketId: view.id,
        siteId: view.opened.siteId,
        siteName: siteName(view.opened.siteId),
        severity: view.severity,
        summary: view.opened.summary,
        contact: contactOf(view, contract),
        detectedAt: view.opened.detectedAt,
        fixedAt: view.fixedAt,
        closedAt: view.closedAt,
        resolution: describeResolution(view, seen),
        consent: view.consent,
        breaches: clocks.filter((c) => c.state === 'breached'),
      });
      continue;
    }
    const running = clocks
      .filter((c) => c.state === 'running')
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt));
    outstanding.push({
      ticketId: view.id,
      siteId: view.opened.siteId,
      siteName: siteName(view.opened.siteId),
      frameId: view.opened.frameId,
      bladeId: view.opened.bladeId,
      severity: view.severity,
      serviceSeverity: view.serviceSeverity,
      environment: view.opened.environment,
      domain: view.domain,
      state: view.state,
      summary: view.opened.summary,
      contact: contactOf(view, contract),
      detectedAt: view.opened.detectedAt,
      openedAt: view.openedAt,
      respondedAt: view.respondedAt,
      fixedAt: view.fixedAt,
      clocks,
      nextDue: running[0] ?? null,
      breached: clocks.some((c) => c.state === 'breached'),
    });
  }
  outstanding.sort(
    (a, b) =>
      a.severity - b.severity ||
      a.detectedAt.localeCompare(b.detectedAt) ||
      Number(a.ticketId) - Number(b.ticketId),
  );
  closed.sort((a, b) => a.closedAt.localeCompare(b.closedAt));
  const reasons: string[] = [];
  if (outstanding.length > 0) reasons.push(`${outstanding.length} call(s) not closed`);
  if (closed.length > 0) reasons.push(`${closed.length} call(s) closed this day`);
  if (input.spares.length > 0) reasons.push(`${input.spares.length} site(s) short of a spare set`);
  return {
    kind: 'daily',
    title: `Daily service report, ${period.label}`,
    date: period.label,
    zone: period.zone,
    from: period.start.toISOString(),
    to: period.end.toISOString(),
    generatedAt: input.generatedAt.toISOString(),
    asOf: asOf.toISOString(),
    required: reasons.length > 0,
    reasons,
    outstanding,
    closed,
    spares: input.spares,
  };
}
