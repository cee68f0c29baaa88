import type { ClockKind, ClockStatus, ListedTicket, Severity, TicketState } from './types.js';
import { formatDuration, spokenDuration } from './format.js';

/**
 * How a contract clock looks at a moment, decided in the browser every second from the times the
 * collector computed (`startedAt`, `warnAt`, `dueAt`, `metAt`): the countdown is wall-clock time
 * to the breach moment, which on a business-hours clock already counts the closed hours.
 */
export type ClockLevel = 'ok' | 'warning' | 'breached' | 'met' | 'met-late';

export const CLOCK_LABELS: Record<ClockKind, string> = {
  'onsite-response': 'On-site response',
  diagnosis: 'Diagnosis',
  replacement: 'Replacement blade',
  response: 'Response',
  'software-response': 'Software response',
  'software-updates': 'Software update',
};

export const SEVERITY_LABELS: Record<Severity, string> = {
  1: 'Total system failure',
  2: 'Major function not working',
  3: 'Bug with a workaround',
  4: 'Minor error',
  5: 'Feature request',
};

export const STATE_LABELS: Record<TicketState, string> = {
  open: 'Open',
  responded: 'Responded',
  'on-site': 'On site',
  diagnosed: 'Diagnosed',
  'replacement-dispatched': 'Replacement sent',
  fixed: 'Fixed',
  closed: 'Closed',
};

export const OPEN_STATES: TicketState[] = [
  'open',
  'responded',
  'on-site',
  'diagnosed',
  'replacement-dispatched',
  'fixed',
];

/** A clock still to be met: running, or breached and still unmet. */
export function isPending(clock: ClockStatus): boolean {
  return clock.metAt === null;
}

export function clockLevel(clock: ClockStatus, now: number): ClockLevel {
  if (clock.metAt !== null) {
    return Date.parse(clock.metAt) > Date.parse(clock.dueAt) ? 'met-late' : 'met';
  }
  if (now >= Date.parse(clock.dueAt)) return 'breached';
  if (now >= Date.parse(clock.warnAt)) return 'warning';
  return 'ok';
}

/** How much of the clock's time has gone, 0-1 (1 once due). */
export function elapsedFraction(clock: ClockStatus, now: number): number {
  const start = Date.parse(clock.startedAt);
  const due = Date.parse(clock.dueAt);
  const end = clock.metAt !== null ? Date.parse(clock.metAt) : now;
  if (!(due > start)) return 1;
  return Math.min(1, Math.max(0, (end - start) / (due - start)));
}

export function clockName(clock: ClockStatus): string {
  const label = CLOCK_LABELS[clock.kind] ?? clock.kind;
  return clock.kind === 'software-updates' ? `${label} ${clock.iteration}` : label;
}

/** The countdown's text: `1h 12m`, `overdue 4m 10s`, `met 14:02`. */
export function clockText(clock: ClockStatus, now: number): string {
  const level = clockLevel(clock, now);
  if (level === 'met' || level === 'met-late') {
    const margin = Date.parse(clock.dueAt) - Date.parse(clock.metAt!);
    return level === 'met'
      ? `met, ${formatDuration(margin)} spare`
      : `met ${formatDuration(margin)} late`;
  }
  const left = Date.parse(clock.dueAt) - now;
  return left > 0 ? formatDuration(left) : `overdue ${formatDuration(left)}`;
}

/** The same for a screen reader. */
export function clockSpoken(clock: ClockStatus, now: number): string {
  const level = clockLevel(clock, now);
  const name = clockName(clock);
  if (level === 'met') return `${name}: met`;
  if (level === 'met-late') return `${name}: met late`;
  const left = Date.parse(clock.dueAt) - now;
  if (left <= 0) return `${name}: breached, overdue by ${spokenDuration(left)}`;
  return `${name}: ${spokenDuration(left)} left${level === 'warning' ? ', warning' : ''}`;
}

/** The clock that will breach (or breached) first among those not yet met. */
export function nearestClock(clocks: readonly ClockStatus[]): ClockStatus | undefined {
  let best: ClockStatus | undefined;
  for (const clock of clocks) {
    if (!isPending(clock)) continue;
    if (!best || Date.parse(clock.dueAt) < Date.parse(best.dueAt)) best = clock;
  }
  return best;
}

/**
 * The board's order: the ticket whose next clock falls due first (overdue ones first of all);
 * tickets with no pending clock after, by severity then age.
 */
export function compareByDue(a: ListedTicket, b: ListedTicket): number {
  const da = nearestClock(a.clocks);
  const db = nearestClock(b.clocks);
  if (da && db) return Date.parse(da.dueAt) - Date.parse(db.dueAt) || a.severity - b.severity;
  if (da) return -1;
  if (db) return 1;
  return a.severity - b.severity || Date.parse(a.openedAt) - Date.parse(b.openedAt);
}

/** The worst level of a ticket's pending clocks at `now` (for counts and row marks). */
export function ticketLevel(
  ticket: ListedTicket,
  now: number,
): 'ok' | 'warning' | 'breached' | 'none' {
  let worst: 'ok' | 'warning' | 'breached' | 'none' = 'none';
  for (const clock of ticket.clocks) {
    if (!isPending(clock)) continue;
    const level = clockLevel(clock, now);
    if (level === 'breached') return 'breached';
    if (level === 'warning') worst = 'warning';
    else if (worst === 'none') worst = 'ok';
  }
  return worst;
}
