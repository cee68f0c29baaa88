import type { CalendarKind, Contract } from '../../shared/config/contract.js';
import type { ClockKind, ClockStatus, Severity } from '../domain/ticket-events.js';
import { firstAtOrAfter, spanAt, type TicketFacts } from './ticket-facts.js';
import { severityCalendar, type Timekeeper } from './timekeeper.js';

/**
 * The contract's clocks as rules over a ticket's facts. Each rule answers: when does the
 * obligation begin (its trigger), what target applies at a given service severity, and what
 * fulfils it. Severity raises may start a clock the old severity lacked, or bring a running
 * clock's due time forward; they never postpone one. docs/DECISIONS.md gives the reasons.
 */
export interface RuleContext {
  contract: Contract;
  time: Timekeeper;
  now: number;
}

interface Target {
  ms: number;
  calendar: CalendarKind;
}

type SingleKind = Exclude<ClockKind, 'software-updates'>;
const SINGLE_KINDS: SingleKind[] = [
  'onsite-response',
  'diagnosis',
  'replacement',
  'response',
  'software-response',
];

function isOnsiteSeverity(s: Severity): s is 1 | 2 {
  return s === 1 || s === 2;
}

function targetFor(
  kind: SingleKind,
  service: Severity,
  anchor: number,
  ctx: RuleContext,
): Target | null {
  const { contract } = ctx;
  switch (kind) {
    case 'onsite-response': {
      if (!isOnsiteSeverity(service)) return null;
      const targets = contract.severities[service].onsiteResponse;
      // Business-hours or outside-hours target by when the fault was detected (or reported).
      const ms = ctx.time.isBusinessTime(anchor)
        ? targets.businessHours
        : targets.outsideBusinessHours;
      return { ms, calendar: severityCalendar(contract, service) };
    }
    case 'diagnosis':
      if (!isOnsiteSeverity(service)) return null;
      return {
        ms: contract.severities[service].diagnosis,
        calendar: severityCalendar(contract, service),
      };
    case 'replacement':
      // "within four hours on a 24x7x365 basis"
      if (!contract.replacementSeverities.includes(service)) return null;
      return { ms: contract.replacementBlade, calendar: 'continuous' };
    case 'response':
      if (isOnsiteSeverity(service)) return null;
      return {
        ms: contract.severities[service].response,
        calendar: contract.severities[service].calendar,
      };
    case 'software-response':
      // A 24x7 support number and "must be addressed immediately": continuous.
      return { ms: contract.softwareResponse, calendar: 'continuous' };
  }
}

/** A software call: when its software obligations begin, and how it became known as one. */
export interface SoftwareCall {
  /** When the call became known as a software call. */
  knownAt: number;
  /** When its software clocks count from. */
  from: number;
  byDiagnosis: boolean;
}

export function softwareCall(facts: TicketFacts, contract: Contract): SoftwareCall | null {
  if (facts.opened.classification.domain === 'software') {
    return { knownAt: facts.detectedAt, from: facts.detectedAt, byDiagnosis: false };
  }
  const diagnosis = facts.diagnoses.find((d) => d.domain === 'software');
  if (!diagnosis) return null;
  const from = contract.clocks.softwareKnownLater === 'detection' ? facts.detectedAt : diagnosis.at;
  return { knownAt: diagnosis.at, from, byDiagnosis: true };
}

function endings(facts: TicketFacts): number[] {
  return [facts.fixedAt, facts.closedAt].filter((t): t is number => t !== null);
}

/** When the obligation begins, or null when it never arose. */
function trigger(kind: SingleKind, facts: TicketFacts, contract: Contract): number | null {
  switch (kind) {
    case 'onsite-response':
    case 'response':
      return facts.detectedAt;
    case 'diagnosis':
      return facts.arrivals[0] ?? null;
    case 'replacement':
      return facts.diagnoses.find((d) => d.domain === 'hardware')?.at ?? null;
    case 'software-response': {
      // QA systems are served at severity 3 response time, which replaces the one-hour promise.
      if (facts.qa) return null;
      const call = softwareCall(facts, contract);
      // Found software by diagnosis (counted from it): the diagnosis itself was the response.
      if (!call || (call.byDiagnosis && call.from === call.knownAt)) return null;
      return call.from;
    }
  }
}

/** The times that fulfil the obligation; a fix or a close fulfils every clock. */
function fulfilments(kind: SingleKind, facts: TicketFacts, start: number): number[] {
  let times: number[];
  switch (kind) {
    case 'onsite-response':
      times = facts.arrivals;
      break;
    case 'diagnosis':
      times = facts.diagnoses.map((d) => d.at);
      break;
    case 'replacement':
      // The blade, or a later diagnosis that the fault is software after all.
      times = [
        ...facts.replacements,
        ...facts.diagnoses.filter((d) => d.domain === 'software' && d.at > start).map((d) => d.at),
      ];
      break;
    case 'response':
    case 'software-response':
      times = facts.engagements;
      break;
  }
  return [...times, ...endings(facts)].sort((a, b) => a - b);
}

interface Draft {
  startedAt: number;
  dueAt: number;
  warnAt: number;
  calendar: CalendarKind;
}

function draft(anchor: number, target: Target, ctx: RuleContext): Draft {
  const fraction = ctx.contract.clocks.warnFraction;
  return {
    startedAt: anchor,
    dueAt: ctx.time.add(target.calendar, anchor, target.ms),
    warnAt: ctx.time.add(target.calendar, anchor, Math.round(target.ms * fraction)),
    calendar: target.calendar,
  };
}

function status(
  kind: ClockKind,
  iteration: number,
  d: Draft,
  metAt: number | null,
  ctx: RuleContext,
  reference: number,
): ClockStatus {
  const met = metAt !== null && metAt <= d.dueAt;
  const breached = !met && (metAt !== null || reference > d.dueAt);
  return {
    kind,
    iteration,
    calendar: d.calendar,
    startedAt: new Date(d.startedAt).toISOString(),
    dueAt: new Date(d.dueAt).toISOString(),
    warnAt: new Date(d.warnAt).toISOString(),
    metAt: metAt === null ? null : new Date(metAt).toISOString(),
    state: met ? 'met' : breached ? 'breached' : 'running',
    // Time left (or overdue) on the clock's own calendar: business clocks do not tick at night.
    marginMs: ctx.time.between(d.calendar, metAt ?? reference, d.dueAt),
  };
}

function singleClock(kind: SingleKind, facts: TicketFacts, ctx: RuleContext): ClockStatus | null {
  const start = trigger(kind, facts, ctx.contract);
  if (start === null) return null;
  const done = fulfilments(kind, facts, start);
  // Fulfilled before the obligation began (e.g. diagnosed remotely before arriving): no clock.
  if (done.length > 0 && done[0]! < start) return null;
  const metAt = firstAtOrAfter(done, start);

  const initial = spanAt(facts, start);
  const first = targetFor(kind, initial.service, start, ctx);
  let clock: Draft | null = first ? draft(start, first, ctx) : null;

  for (const span of facts.spans) {
    if (!span.raised || span.from <= start) continue;
    if (metAt !== null && metAt <= span.from) break;
    const anchor = ctx.contract.clocks.raisedTargetsFrom === 'raise' ? span.from : start;
    const target = targetFor(kind, span.service, anchor, ctx);
    if (!target) continue;
    const candidate = draft(anchor, target, ctx);
    if (!clock) clock = candidate;
    else if (candidate.dueAt < clock.dueAt) clock = { ...candidate, startedAt: clock.startedAt };
  }
  if (!clock) return null;
  return status(kind, 1, clock, metAt, ctx, reference(facts, ctx));
}

/** Clocks are read at `now`, or at the close for a closed ticket. */
function reference(facts: TicketFacts, ctx: RuleContext): number {
  return facts.closedAt === null ? ctx.now : Math.min(ctx.now, facts.closedAt);
}

const MAX_UPDATE_PERIODS = 10_000;

/**
 * "If Software calls are not closed within [after], Egenera must provide updates every [every]
 * until the issue is resolved and the call is closed": from the `after` mark, each period of
 * `every` needs an update; an update starts the next period (a rolling cadence), a missed period
 * is breached and the next one starts at its due time.
 */
function softwareUpdateClocks(facts: TicketFacts, ctx: RuleContext): ClockStatus[] {
  const { contract } = ctx;
  const call = softwareCall(facts, contract);
  if (!call) return [];
  const settings = contract.softwareUpdates;
  const stops = [
    facts.closedAt,
    settings.until === 'fixed' ? facts.fixedAt : null,
    // Re-diagnosed as hardware: no longer a software call.
    facts.diagnoses.find((d) => d.domain === 'hardware' && d.at > call.knownAt)?.at ?? null,
  ].filter((t): t is number => t !== null);
  const end = stops.length > 0 ? Math.min(...stops) : null;

  const calendarAt = (at: number): CalendarKind =>
    severityCalendar(contract, spanAt(facts, at).service);
  const mark = ctx.time.add(calendarAt(call.from), call.from, settings.after);
  if (end !== null && end <= mark) return [];

  const clocks: ClockStatus[] = [];
  const ref = reference(facts, ctx);
  let next = 0;
  let start = mark;
  for (let iteration = 1; iteration <= MAX_UPDATE_PERIODS; iteration++) {
    const d = draft(start, { ms: settings.every, calendar: calendarAt(start) }, ctx);
    while (next < facts.updates.length && facts.updates[next]! < start) next++;
    let metAt: number | null = null;
    const update = facts.updates[next];
    if (update !== undefined && update <= d.dueAt) {
      metAt = update;
      next++;
    }
    const ended = end !== null && end <= d.dueAt && (metAt === null || end < metAt);
    if (ended) metAt = end;
    clocks.push(status('software-updates', iteration, d, metAt, ctx, ref));
    if (ended) break;
    // The next period begins once this one is over: met, or breached (its due time passed).
    if (metAt === null ? d.dueAt >= ctx.now : metAt > ctx.now) break;
    const following = metAt ?? d.dueAt;
    if (end !== null && following >= end) break;
    start = following;
  }
  return clocks;
}

/** Every clock of a ticket, in a stable order: by kind, then iteration. */
export function clocksOf(facts: TicketFacts, ctx: RuleContext): ClockStatus[] {
  // A storm's child is not a call of its own: the parent's clocks rule.
  if (facts.child) return [];
  const clocks: ClockStatus[] = [];
  for (const kind of SINGLE_KINDS) {
    const clock = singleClock(kind, facts, ctx);
    if (clock) clocks.push(clock);
  }
  clocks.push(...softwareUpdateClocks(facts, ctx));
  return clocks;
}
