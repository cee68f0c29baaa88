import type { Contract } from '../../shared/config/contract.js';
import { foldTicket } from '../domain/fold.js';
import type { AnyTicketEvent, ClockStatus, TicketState } from '../domain/ticket-events.js';
import type { BusinessCalendar } from '../sla/calendar.js';
import { computeClocks } from '../sla/clocks.js';
import { contactOf } from './describe-call.js';
import { weekOf, type Period } from './period.js';

/**
 * Severity 5: "Egenera shall respond within [**] ... and will log the request into our product
 * requirements matrix for weekly review". The matrix is every feature request logged so far;
 * the week's review list is each one logged that week or still open at its end.
 */
export interface RequirementRow {
  ticketId: string;
  siteId: string;
  siteName: string | null;
  requestedBy: string | null;
  summary: string;
  /** When it was logged in the matrix (the call's opening). */
  loggedAt: string;
  /** The ISO week it was logged in. */
  loggedWeek: string;
  state: TicketState;
  /** The severity 5 response clock. */
  response: ClockStatus | null;
  /** Notes recorded on the request (review remarks), oldest first. */
  notes: { at: string; by: string; text: string }[];
  resolution: string | null;
  closedAt: string | null;
  /** Logged during the week under review. */
  isNew: boolean;
}

export interface RequirementsReport {
  kind: 'requirements';
  title: string;
  week: string;
  zone: string;
  from: string;
  to: string;
  generatedAt: string;
  /** To review this week: logged this week, or still open at its end. */
  review: RequirementRow[];
  /** The product requirements matrix: every request logged by the week's end. */
  matrix: RequirementRow[];
  counts: { logged: number; new: number; open: number; closed: number };
}

export interface RequirementsInput {
  contract: Contract;
  calendar: BusinessCalendar;
  period: Period;
  generatedAt: Date;
  /** Logs of the severity 5 requests opened before the week's end. */
  logs: readonly (readonly AnyTicketEvent[])[];
}

/** Builds the week's review list and the matrix as it stood at the week's end. Pure. */
export function buildRequirementsReport(input: RequirementsInput): RequirementsReport {
  const { contract, calendar, period } = input;
  const asOf = new Date(Math.min(period.end.getTime(), input.generatedAt.getTime()));
  const happened = (at: string) =>
    Date.parse(at) <= asOf.getTime() && Date.parse(at) < period.end.getTime();
  const matrix: RequirementRow[] = [];
  for (const log of input.logs) {
    if (!happened(log[0]!.at)) continue;
    const seen = log.filter((e) => happened(e.at));
    const view = foldTicket(seen);
    if (view.test || view.opened.classification.severity !== 5) continue;
    const response = computeClocks(seen, { contract, calendar, now: asOf }).find(
      (c) => c.kind === 'response',
    );
    matrix.push({
      ticketId: view.id,
      siteId: view.opened.siteId,
      siteName: contract.sites.find((s) => s.id === view.opened.siteId)?.name ?? null,
      requestedBy: contactOf(view, contract),
      summary: view.opened.summary,
      loggedAt: view.openedAt,
      loggedWeek: weekOf(Date.parse(view.openedAt), period.zone),
      state: view.state,
      response: response ?? null,
      notes: seen
        .filter((e) => e.type === 'note')
        .map((e) => ({
          at: e.at,
          by: e.actor.id,
          text: e.type === 'note' ? e.data.text : '',
        })),
      resolution: view.resolution,
      closedAt: view.closedAt,
      isNew: Date.parse(view.openedAt) >= period.start.getTime(),
    });
  }
  matrix.sort(
    (a, b) => a.loggedAt.localeCompare(b.loggedAt) || Number(a.ticketId) - Number(b.ticketId),
  );
  const review = matrix.filter((r) => r.isNew || r.closedAt === null);
  const closed = matrix.filter((r) => r.closedAt !== null).length;
  return {
    kind: 'requirements',
    title: `Product requirements review, ${period.label}`,
    week: period.label,
    zone: period.zone,
    from: period.start.toISOString(),
    to: period.end.toISOString(),
    generatedAt: input.generatedAt.toISOString(),
    review,
    matrix,
    counts: {
      logged: matrix.length,
      new: matrix.filter((r) => r.isNew).length,
      open: matrix.length - closed,
      closed,
    },
  };
}
