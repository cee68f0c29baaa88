import type { Contract } from '../../shared/config/contract.js';
import type { ClockKind, ClockStatus, Severity, TicketState } from '../domain/ticket-events.js';
import type { AnyTicketEvent } from '../domain/ticket-events.js';
import { contactOf, describeMalfunction, describeResolution } from './describe-call.js';
import type { Period } from './period.js';
import { siteSlr, type CallJudgement, type SiteSlr, type SlrOutcome } from './slr.js';
import type { SlrCredit, Term } from './term.js';

/**
 * The monthly report of Schedule A: every service call (customer contact, time opened, time
 * fixed, a description of the malfunction and the final resolution), then every call that did
 * not meet the SLR with the clock that missed and by how much, then the SLR per site and any
 * credit on the term.
 */
export interface ReportParties {
  customer: string | null;
  provider: string | null;
  program: Contract['program'];
  startsOn: string;
}

export interface SlrSettings {
  thresholdPercent: number;
  responseClocks: ClockKind[];
  monthOf: Contract['slr']['monthOf'];
  unrespondedAtMonthEnd: Contract['slr']['unrespondedAtMonthEnd'];
  creditPer: Contract['slr']['creditPer'];
  severities: Severity[];
}

export interface CallRow {
  ticketId: string;
  siteId: string;
  siteName: string | null;
  frameId: string | null;
  bladeId: string | null;
  severity: Severity;
  serviceSeverity: Severity;
  environment: string;
  domain: string;
  source: string;
  state: TicketState;
  contact: string | null;
  detectedAt: string;
  openedAt: string;
  respondedAt: string | null;
  fixedAt: string | null;
  closedAt: string | null;
  summary: string;
  description: string;
  resolution: string | null;
  /** The call's SLR outcome; `not-counted` for a severity the SLR leaves out. */
  slr: SlrOutcome | 'not-counted';
  /** The deciding clocks with their times: every call's response clock is shown. */
  responseClocks: ClockStatus[];
}

export interface MissedClock {
  kind: ClockKind;
  iteration: number;
  calendar: ClockStatus['calendar'];
  startedAt: string;
  dueAt: string;
  /** When it was finally met (late), or null if it still was not. */
  metAt: string | null;
  /**
   * How late, on the clock's own calendar (business time for business clocks); for the update
   * cadence, the longest stretch without an update owed, in wall time.
   */
  overdueMs: number;
  /** Whether this clock decides the SLR percentage (`slr.responseClocks`). */
  decidesSlr: boolean;
  /** Periods missed: 1, or for the software update cadence every period missed (summed). */
  count: number;
}

export interface MissedCall {
  ticketId: string;
  siteId: string;
  severity: Severity;
  serviceSeverity: Severity;
  summary: string;
  detectedAt: string;
  /** Whether the call counts as missed in the SLR percentage. */
  slrMissed: boolean;
  clocks: MissedClock[];
}

export interface SiteSlrRow extends SiteSlr {
  /** The credit this month's figure earned on the term, when the month is final and below. */
  credit: SlrCredit | null;
}

export interface MonthlyReport {
  kind: 'monthly';
  title: string;
  month: string;
  zone: string;
  from: string;
  to: string;
  siteId: string | null;
  generatedAt: string;
  /** Every site's figure for the month is final. */
  final: boolean;
  parties: ReportParties;
  settings: SlrSettings;
  calls: CallRow[];
  missed: MissedCall[];
  slr: SiteSlrRow[];
  term: Term;
  excluded: { test: number; stormChildren: number };
}

export interface JudgedCall {
  judgement: CallJudgement;
  events: readonly AnyTicketEvent[];
}

export function partiesOf(contract: Contract): ReportParties {
  return {
    customer: contract.customer?.name ?? null,
    provider: contract.provider?.name ?? null,
    program: contract.program,
    startsOn: contract.startsOn,
  };
}

export function slrSettingsOf(contract: Contract): SlrSettings {
  return {
    thresholdPercent: contract.slr.thresholdPercent,
    responseClocks: [...contract.slr.responseClocks],
    monthOf: contract.slr.monthOf,
    unrespondedAtMonthEnd: contract.slr.unrespondedAtMonthEnd,
    creditPer: contract.slr.creditPer,
    severities: [...contract.slr.severities],
  };
}

function callRow(call: JudgedCall, contract: Contract): CallRow {
  const { judgement: j, events } = call;
  const v = j.view;
  return {
    ticketId: j.ticketId,
    siteId: j.siteId,
    siteName: contract.sites.find((s) => s.id === j.siteId)?.name ?? null,
    frameId: v.opened.frameId,
    bladeId: v.opened.bladeId,
    severity: v.severity,
    serviceSeverity: v.serviceSeverity,
    environment: v.opened.environment,
    domain: v.domain,
    source: v.opened.source,
    state: v.state,
    contact: contactOf(v, contract),
    detectedAt: v.opened.detectedAt,
    openedAt: v.openedAt,
    respondedAt: v.respondedAt,
    fixedAt: v.fixedAt,
    closedAt: v.closedAt,
    summary: v.opened.summary,
    description: describeMalfunction(v, events),
    resolution: describeResolution(v, events),
    slr: j.exclusion === null ? j.outcome : 'not-counted',
    responseClocks: j.responseClocks,
  };
}

/**
 * The longest stretch the customer went without an update owed: from a missed period's due
 * time to the next update (or the close, or the moment of reading). Wall time.
 */
function longestUpdateGap(j: CallJudgement, asOf: number): number {
  const periods = j.clocks
    .filter((c) => c.kind === 'software-updates')
    .sort((a, b) => a.iteration - b.iteration);
  const stop = j.view.closedAt === null ? asOf : Math.min(asOf, Date.parse(j.view.closedAt));
  let longest = 0;
  let from: number | null = null;
  for (const c of periods) {
    if (c.state === 'breached') from ??= Date.parse(c.dueAt);
    const end = c.metAt === null ? null : Date.parse(c.metAt);
    if (from !== null && end !== null) {
      longest = Math.max(longest, end - from);
      from = null;
    }
  }
  if (from !== null) longest = Math.max(longest, stop - from);
  return longest;
}

function missedCall(j: CallJudgement, contract: Contract, asOf: number): MissedCall | null {
  const deciding = new Set<string>(contract.slr.responseClocks);
  const clocks = [...j.breaches];
  // Under `unrespondedAtMonthEnd: missed`, the clock that ran out with the month.
  if (j.missedBy && !clocks.some((c) => c.kind === j.missedBy!.kind)) clocks.push(j.missedBy);
  if (clocks.length === 0) return null;
  const rows: MissedClock[] = [];
  const sorted = clocks.sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.iteration - b.iteration);
  for (const c of sorted) {
    const previous = rows.find((r) => r.kind === c.kind);
    // The update cadence may miss many periods: one row, counting them.
    if (previous && c.kind === 'software-updates') {
      previous.count++;
      continue;
    }
    rows.push({
      kind: c.kind,
      iteration: c.iteration,
      calendar: c.calendar,
      startedAt: c.startedAt,
      dueAt: c.dueAt,
      metAt: c.state === 'breached' ? c.metAt : null,
      overdueMs: Math.max(0, -c.marginMs),
      decidesSlr: deciding.has(c.kind),
      count: 1,
    });
  }
  const updates = rows.find((r) => r.kind === 'software-updates');
  if (updates) {
    updates.overdueMs = longestUpdateGap(j, asOf);
    updates.calendar = 'continuous';
  }
  return {
    ticketId: j.ticketId,
    siteId: j.siteId,
    severity: j.view.severity,
    serviceSeverity: j.view.serviceSeverity,
    summary: j.view.opened.summary,
    detectedAt: j.view.opened.detectedAt,
    slrMissed: j.outcome === 'missed' && j.exclusion === null,
    clocks: rows,
  };
}

export interface MonthlyInput {
  contract: Contract;
  period: Period;
  siteId?: string | undefined;
  generatedAt: Date;
  /** The month's calls (judged at `generatedAt`). */
  calls: readonly JudgedCall[];
  term: Term;
}

/** Builds the monthly report from the month's judged calls and the term. Pure. */
export function buildMonthlyReport(input: MonthlyInput): MonthlyReport {
  const { contract, period, siteId, generatedAt, term } = input;
  const month = period.label;
  const inScope = input.calls.filter(
    (c) => c.judgement.month === month && (siteId === undefined || c.judgement.siteId === siteId),
  );
  const calls = inScope.filter(
    (c) => c.judgement.exclusion !== 'test' && c.judgement.exclusion !== 'storm-child',
  );
  const sites = siteSlr(
    inScope.map((c) => c.judgement),
    contract,
    month,
    generatedAt,
    siteId,
  );
  const credit = term.credits.find((c) => c.month === month) ?? null;
  return {
    kind: 'monthly',
    title: `Monthly service report, ${month}${siteId ? `, site ${siteId}` : ''}`,
    month,
    zone: period.zone,
    from: period.start.toISOString(),
    to: period.end.toISOString(),
    siteId: siteId ?? null,
    generatedAt: generatedAt.toISOString(),
    final: sites.every((s) => s.final),
    parties: partiesOf(contract),
    settings: slrSettingsOf(contract),
    calls: calls.map((c) => callRow(c, contract)),
    missed: calls
      .filter((c) => c.judgement.exclusion === null)
      .map((c) => missedCall(c.judgement, contract, generatedAt.getTime()))
      .filter((m): m is MissedCall => m !== null),
    slr: sites.map((s) => ({
      ...s,
      credit: credit && credit.sites.some((c) => c.siteId === s.siteId) ? credit : null,
    })),
    term,
    excluded: {
      test: inScope.filter((c) => c.judgement.exclusion === 'test').length,
      stormChildren: inScope.filter((c) => c.judgement.exclusion === 'storm-child').length,
    },
  };
}
