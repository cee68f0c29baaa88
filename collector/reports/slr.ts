import type { Contract } from '../../shared/config/contract.js';
import { foldTicket, type TicketView } from '../domain/fold.js';
import type { AnyTicketEvent, ClockStatus } from '../domain/ticket-events.js';
import type { BusinessCalendar } from '../sla/calendar.js';
import { computeClocks } from '../sla/clocks.js';
import { monthOf, monthPeriod } from './period.js';

/**
 * "Response time = # of calls responded to within SLR divided by # of calls", per site and
 * calendar month. Everything here is a pure function of the tickets' event logs, the contract
 * and the moment of reading (`asOf`), so a past month recomputes identically.
 */
export interface SlrContext {
  contract: Contract;
  calendar: BusinessCalendar;
  /** The moment of reading: later events are not seen, running clocks are read here. */
  asOf: Date;
}

export type SlrOutcome = 'met' | 'missed' | 'pending';
export type Exclusion = 'test' | 'storm-child' | 'severity' | 'no-response-clock';

export interface CallJudgement {
  ticketId: string;
  /** The ticket as its log stood at `asOf`. */
  view: TicketView;
  siteId: string;
  /** The month the call belongs to (`slr.monthOf`). */
  month: string;
  /** Why the call is not counted in the SLR, or null when it is. */
  exclusion: Exclusion | null;
  outcome: SlrOutcome;
  /** The clocks that decide the call's SLR (`slr.responseClocks`), as they were decided. */
  responseClocks: ClockStatus[];
  /** The deciding clock that missed (the first by due time), if any. */
  missedBy: ClockStatus | null;
  /** Every clock of the call at `asOf`. */
  clocks: ClockStatus[];
  /** Every clock breached at `asOf`, deciding or not (diagnosis, replacement, updates too). */
  breaches: ClockStatus[];
}

/** The instant a call's time for the month is taken from, per `slr.monthOf`. */
export function callInstant(view: TicketView, contract: Contract): string {
  return contract.slr.monthOf === 'opening' ? view.openedAt : view.opened.detectedAt;
}

function exclusionOf(view: TicketView, contract: Contract): Exclusion | null {
  if (view.test) return 'test';
  // A storm's children are faults of one call, their parent, which carries the clocks.
  if (view.parentId !== null) return 'storm-child';
  if (!contract.slr.severities.includes(view.severity)) return 'severity';
  return null;
}

function decide(clocks: readonly ClockStatus[]): {
  outcome: SlrOutcome;
  missedBy: ClockStatus | null;
} {
  const breached = clocks
    .filter((c) => c.state === 'breached')
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  if (breached.length > 0) return { outcome: 'missed', missedBy: breached[0]! };
  if (clocks.some((c) => c.state === 'running')) return { outcome: 'pending', missedBy: null };
  return { outcome: 'met', missedBy: null };
}

/** Judges one call: its month, whether it counts, and whether it was responded to within SLR. */
export function judgeCall(events: readonly AnyTicketEvent[], ctx: SlrContext): CallJudgement {
  const { contract, calendar, asOf } = ctx;
  const upTo = events.filter((e, i) => i === 0 || Date.parse(e.at) <= asOf.getTime());
  const view = foldTicket(upTo);
  const zone = contract.businessHours.zone;
  const month = monthOf(Date.parse(callInstant(view, contract)), zone);
  const clocks = computeClocks(events, { contract, calendar, now: asOf });
  const deciding = new Set<string>(contract.slr.responseClocks);

  let responseClocks = clocks.filter((c) => deciding.has(c.kind));
  let decision = decide(responseClocks);
  if (contract.slr.unrespondedAtMonthEnd === 'missed') {
    // The month as it stood at its end: a deciding clock not met by then is missed.
    const end = monthPeriod(month, zone).end;
    if (end.getTime() <= asOf.getTime()) {
      responseClocks = computeClocks(events, { contract, calendar, now: end }).filter((c) =>
        deciding.has(c.kind),
      );
      decision = decide(responseClocks);
      if (decision.outcome === 'pending') {
        decision = {
          outcome: 'missed',
          missedBy: responseClocks.find((c) => c.state === 'running') ?? null,
        };
      }
    }
  }

  let exclusion = exclusionOf(view, contract);
  if (exclusion === null && responseClocks.length === 0) exclusion = 'no-response-clock';
  return {
    ticketId: view.id,
    view,
    siteId: view.opened.siteId,
    month,
    exclusion,
    outcome: decision.outcome,
    responseClocks,
    missedBy: decision.missedBy,
    clocks,
    breaches: clocks.filter((c) => c.state === 'breached'),
  };
}

export interface SiteSlr {
  siteId: string;
  siteName: string | null;
  month: string;
  /** Calls counted (test calls, storm children and excluded severities are not). */
  calls: number;
  met: number;
  missed: number;
  /** Calls whose deciding clocks still run: not yet in the ratio. */
  pending: number;
  /** met ÷ (met + missed) × 100, two decimals; null without a decided call. */
  percent: number | null;
  thresholdPercent: number;
  belowThreshold: boolean;
  /** The month is over and every call decided: the figure will not change. */
  final: boolean;
}

/** Whether met/decided reaches the threshold, exactly (19 of 20 is 95 %, not 94.999...). */
export function meetsThreshold(met: number, decided: number, thresholdPercent: number): boolean {
  if (decided === 0) return true;
  return met * 100 - thresholdPercent * decided >= -1e-9 * decided;
}

/**
 * The SLR of each site for a month, from the judgements of its calls (calls of other months
 * are ignored). Every contract site appears, with no calls if it had none; a site not in the
 * contract appears when it had calls.
 */
export function siteSlr(
  judgements: readonly CallJudgement[],
  contract: Contract,
  month: string,
  asOf: Date,
  siteId?: string,
): SiteSlr[] {
  const monthOver = monthPeriod(month, contract.businessHours.zone).end.getTime() <= asOf.getTime();
  const names = new Map(contract.sites.map((s) => [s.id, s.name]));
  const order = [...contract.sites.map((s) => s.id)];
  for (const j of judgements)
    if (!names.has(j.siteId) && !order.includes(j.siteId)) order.push(j.siteId);
  const threshold = contract.slr.thresholdPercent;
  return order
    .filter((id) => siteId === undefined || id === siteId)
    .filter((id) => names.has(id) || judgements.some((j) => j.siteId === id && j.month === month))
    .map((id) => {
      const counted = judgements.filter(
        (j) => j.siteId === id && j.month === month && j.exclusion === null,
      );
      const met = counted.filter((j) => j.outcome === 'met').length;
      const missed = counted.filter((j) => j.outcome === 'missed').length;
      const pending = counted.length - met - missed;
      const decided = met + missed;
      return {
        siteId: id,
        siteName: names.get(id) ?? null,
        month,
        calls: counted.length,
        met,
        missed,
        pending,
        percent: decided === 0 ? null : Math.round((met / decided) * 10_000) / 100,
        thresholdPercent: threshold,
        belowThreshold: !meetsThreshold(met, decided, threshold),
        final: monthOver && pending === 0,
      };
    });
}
