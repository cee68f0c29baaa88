import type { CalendarKind, Contract } from '../../shared/config/contract.js';
import { ESCALATION_ROLES, type EscalationRole, type Severity } from '../domain/ticket-events.js';
import type { TicketFacts } from './ticket-facts.js';
import { severityCalendar, type Timekeeper } from './timekeeper.js';

/** One cell of the escalation matrix applied to a ticket. */
export interface EscalationStatus {
  role: EscalationRole;
  /** The severity whose row set the due time. */
  severity: Severity;
  /** The matrix cell: how long after detection (or the raise) without a fix. */
  delayMs: number;
  calendar: CalendarKind;
  dueAt: string;
  /** pending: not yet due; escalated: due with no fix (recorded or about to be); not-needed: fixed in time. */
  state: 'pending' | 'escalated' | 'not-needed';
  /** When the `escalated` event was recorded, if it was. */
  escalatedAt: string | null;
}

/** The matrix row of a severity: the roles it names and their delays. */
export function escalationRow(contract: Contract, severity: Severity): [EscalationRole, number][] {
  const row = contract.escalation[severity] as Partial<Record<EscalationRole, number>>;
  return ESCALATION_ROLES.flatMap((role) => {
    const delay = row[role];
    return delay === undefined ? [] : [[role, delay] as [EscalationRole, number]];
  });
}

interface Cell {
  severity: Severity;
  delayMs: number;
  calendar: CalendarKind;
  dueAt: number;
}

/**
 * Schedule A: "the following Egenera personnel will be notified that a fix has not been
 * provided". Each role's delay counts from detection on the severity's calendar; a fix (or the
 * close) before it cancels the escalation. A customer's raise applies the new row from the raise
 * (or from detection, per `clocks.raisedTargetsFrom`), never postponing a due time. Test calls
 * and storm children (their parent escalates) escalate to nobody.
 */
export function escalationsOf(
  facts: TicketFacts,
  contract: Contract,
  time: Timekeeper,
  now: number,
): EscalationStatus[] {
  if (facts.test || facts.child) return [];
  const fixedAt = [facts.fixedAt, facts.closedAt]
    .filter((t): t is number => t !== null)
    .reduce<number | null>((a, b) => (a === null ? b : Math.min(a, b)), null);

  const cells = new Map<EscalationRole, Cell>();
  for (const span of facts.spans) {
    // Raised after the fix: nothing left to escalate.
    if (span.raised && fixedAt !== null && span.from >= fixedAt) break;
    const anchor =
      span.raised && contract.clocks.raisedTargetsFrom === 'raise' ? span.from : facts.detectedAt;
    const calendar = severityCalendar(contract, span.service);
    for (const [role, delayMs] of escalationRow(contract, span.service)) {
      const current = cells.get(role);
      // A role already due before this raise has been escalated; its record stands.
      if (current && current.dueAt <= span.from) continue;
      const dueAt = time.add(calendar, anchor, delayMs);
      if (!current || dueAt < current.dueAt) {
        cells.set(role, { severity: span.service, delayMs, calendar, dueAt });
      }
    }
  }

  return ESCALATION_ROLES.flatMap((role) => {
    const cell = cells.get(role);
    if (!cell) return [];
    const recorded = facts.escalated.get(role) ?? null;
    let state: EscalationStatus['state'];
    if (recorded !== null) state = 'escalated';
    else if (fixedAt !== null && fixedAt <= cell.dueAt) state = 'not-needed';
    else if (cell.dueAt <= now) state = 'escalated';
    else state = 'pending';
    return [
      {
        role,
        severity: cell.severity,
        delayMs: cell.delayMs,
        calendar: cell.calendar,
        dueAt: new Date(cell.dueAt).toISOString(),
        state,
        escalatedAt: recorded === null ? null : new Date(recorded).toISOString(),
      },
    ];
  });
}
