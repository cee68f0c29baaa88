import type { Contract } from '../../shared/config/contract.js';
import { formatDuration } from '../../shared/duration.js';
import type { Environment } from '../../shared/messages/birth.js';
import type {
  AnyTicketEvent,
  ClockStatus,
  Domain,
  Severity,
  TicketEvent,
  TicketEventData,
} from '../domain/ticket-events.js';
import type { BusinessCalendar } from './calendar.js';
import { clocksOf, type RuleContext } from './clock-rules.js';
import { escalationsOf, type EscalationStatus } from './escalation.js';
import { clockKey, ticketFacts, type TicketFacts } from './ticket-facts.js';
import { Timekeeper } from './timekeeper.js';
import { isoAt } from '../../shared/iso-time.js';

export type { EscalationStatus } from './escalation.js';

/**
 * The contract's clocks are a pure function of a ticket's event log, the contract and the
 * moment of reading: nothing here stores state, so a corrected calendar or contract recomputes
 * every ticket the same way, and several collectors agree.
 */
export interface ClockContext {
  contract: Contract;
  calendar: BusinessCalendar;
  now: Date;
}

export type PendingClockEvent = {
  [T in 'clock-warning' | 'clock-breached' | 'escalated']: { type: T; data: TicketEventData[T] };
}['clock-warning' | 'clock-breached' | 'escalated'];

interface Prepared {
  facts: TicketFacts;
  rules: RuleContext;
}

// Timekeepers are cheap but hold no state worth rebuilding per call.
const timekeepers = new WeakMap<BusinessCalendar, Timekeeper>();

function prepare(events: readonly AnyTicketEvent[], ctx: ClockContext): Prepared {
  const now = ctx.now.getTime();
  // Read the log as it stood at `now`, so a past moment can be replayed exactly.
  const upToNow = events.filter((e, i) => i === 0 || Date.parse(e.at) <= now);
  let time = timekeepers.get(ctx.calendar);
  if (!time) {
    time = new Timekeeper(ctx.calendar);
    timekeepers.set(ctx.calendar, time);
  }
  return { facts: ticketFacts(upToNow), rules: { contract: ctx.contract, time, now } };
}

/** Every clock of the ticket at `ctx.now`: by kind, then (for software updates) by period. */
export function computeClocks(events: readonly AnyTicketEvent[], ctx: ClockContext): ClockStatus[] {
  const { facts, rules } = prepare(events, ctx);
  return clocksOf(facts, rules);
}

/** Each role of the escalation matrix that applies to the ticket, and where it stands. */
export function computeEscalations(
  events: readonly AnyTicketEvent[],
  ctx: ClockContext,
): EscalationStatus[] {
  const { facts, rules } = prepare(events, ctx);
  return escalationsOf(facts, rules.contract, rules.time, rules.now);
}

interface Timed {
  at: number;
  event: PendingClockEvent;
}

/** Everything the clock engine needs on one wake-up, computed in one pass over the log. */
export interface ClockEvaluation {
  clocks: ClockStatus[];
  escalations: EscalationStatus[];
  /** As `pendingClockEvents`. */
  pending: PendingClockEvent[];
  /** As `nextClockDeadline`. */
  next: Date | null;
}

export function evaluateClocks(
  events: readonly AnyTicketEvent[],
  ctx: ClockContext,
): ClockEvaluation {
  const { facts, rules } = prepare(events, ctx);
  const clocks = clocksOf(facts, rules);
  const escalations = escalationsOf(facts, rules.contract, rules.time, rules.now);
  return {
    clocks,
    escalations,
    pending: pendingOf(facts, clocks, escalations, rules.now),
    next: nextOf(facts, clocks, escalations, rules.now),
  };
}

/**
 * The clock events due at `ctx.now` and not yet in the log, oldest first. Idempotent: a warning
 * or breach is recorded once per clock and iteration, an escalation once per role, so running
 * this after appending its result yields nothing more. A warning is only recorded while its
 * clock still runs; a breach is recorded even when the clock was met late (it is a fact the
 * monthly report needs); an escalation only while no fix has been provided.
 */
export function pendingClockEvents(
  events: readonly AnyTicketEvent[],
  ctx: ClockContext,
): PendingClockEvent[] {
  return evaluateClocks(events, ctx).pending;
}

/**
 * The earliest moment after `ctx.now` at which `pendingClockEvents` would return something new
 * (a warning, a breach or an escalation), for the engine's timer; null when nothing is ahead.
 * A clock is breached once its due time has passed, so the breach moment is `dueAt` + 1 ms.
 */
export function nextClockDeadline(
  events: readonly AnyTicketEvent[],
  ctx: ClockContext,
): Date | null {
  return evaluateClocks(events, ctx).next;
}

function pendingOf(
  facts: TicketFacts,
  clocks: readonly ClockStatus[],
  escalations: readonly EscalationStatus[],
  now: number,
): PendingClockEvent[] {
  const due: Timed[] = [];
  for (const clock of clocks) {
    const key = clockKey(clock.kind, clock.iteration);
    const warnAt = Date.parse(clock.warnAt);
    const dueAt = Date.parse(clock.dueAt);
    const metAt = clock.metAt === null ? null : Date.parse(clock.metAt);
    const data = { clock: clock.kind, iteration: clock.iteration, dueAt: clock.dueAt };
    if (clock.state === 'running' && warnAt <= now && !facts.warned.has(key)) {
      due.push({ at: warnAt, event: { type: 'clock-warning', data } });
    }
    if ((metAt === null || metAt > dueAt) && now > dueAt && !facts.breached.has(key)) {
      due.push({ at: dueAt + 1, event: { type: 'clock-breached', data } });
    }
  }
  if (facts.fixedAt === null && facts.closedAt === null) {
    for (const e of escalations) {
      if (e.state !== 'escalated' || e.escalatedAt !== null) continue;
      due.push({
        at: Date.parse(e.dueAt),
        event: {
          type: 'escalated',
          data: { role: e.role, severity: e.severity, after: formatDuration(e.delayMs) },
        },
      });
    }
  }
  return due.sort((a, b) => a.at - b.at).map((t) => t.event);
}

function nextOf(
  facts: TicketFacts,
  clocks: readonly ClockStatus[],
  escalations: readonly EscalationStatus[],
  now: number,
): Date | null {
  let next = Infinity;
  const consider = (t: number): void => {
    if (t > now && t < next) next = t;
  };
  for (const clock of clocks) {
    if (clock.state !== 'running') continue;
    const key = clockKey(clock.kind, clock.iteration);
    if (!facts.warned.has(key)) consider(Date.parse(clock.warnAt));
    if (!facts.breached.has(key)) consider(Date.parse(clock.dueAt) + 1);
  }
  if (facts.fixedAt === null && facts.closedAt === null) {
    for (const e of escalations) if (e.state === 'pending') consider(Date.parse(e.dueAt));
  }
  return next === Infinity ? null : new Date(next);
}

export interface NewTicketInput {
  severity: Severity;
  detectedAt: Date;
  environment: Environment;
  domain: Domain;
}

/** The log of a ticket just opened with these facts (for `due` and for tests). */
export function syntheticOpened(input: NewTicketInput): TicketEvent<'opened'> {
  const at = input.detectedAt.toISOString();
  return {
    ticketId: 'new',
    seq: 1,
    at,
    actor: { kind: 'system', id: 'due' },
    type: 'opened',
    data: {
      source: 'customer',
      signal: 'test.call',
      component: { kind: 'blade', id: 'blade', location: null },
      evidence: {},
      summary: 'what-if ticket',
      siteId: 'site',
      frameId: null,
      bladeId: null,
      environment: input.environment,
      detectedAt: at,
      observedAt: at,
      receivedAt: at,
      classification: {
        ruleId: 'what-if',
        domain: input.domain,
        severity: input.severity,
        replaceable: null,
        explanation: 'what-if ticket',
      },
      test: false,
      parentId: null,
      contact: null,
    },
  };
}

/** The clocks a new ticket with these facts starts with (what `due` prints). */
export function clocksForNewTicket(input: NewTicketInput, ctx: ClockContext): ClockStatus[] {
  return computeClocks([syntheticOpened(input)], ctx);
}

/** The escalation due times a new ticket with these facts starts with. */
export function escalationsForNewTicket(
  input: NewTicketInput,
  ctx: ClockContext,
): EscalationStatus[] {
  return computeEscalations([syntheticOpened(input)], ctx);
}

/**
 * When a fault was detected: the agent's observation time, unless it differs from the receive
 * time by more than `detection.maxSkew` (a wrong agent clock, or a delivery held back so long
 * that only the receipt shows when it reached support) or lies after the receipt (the agent's
 * clock runs ahead); then the receive time. Unparseable times fall back to the receipt.
 */
export function detectionTime(observedAt: string, receivedAt: string, contract: Contract): string {
  const received = Date.parse(receivedAt);
  const observed = Date.parse(observedAt);
  if (Number.isNaN(received)) {
    if (Number.isNaN(observed))
      throw new Error(`no valid time in "${observedAt}" or "${receivedAt}"`);
    return isoAt(observed);
  }
  if (Number.isNaN(observed)) return isoAt(received);
  const behind = received - observed;
  if (behind < 0 || behind > contract.detection.maxSkew) return isoAt(received);
  return isoAt(observed);
}
