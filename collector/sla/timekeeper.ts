import type { CalendarKind, Contract } from '../../shared/config/contract.js';
import type { Severity } from '../domain/ticket-events.js';
import type { BusinessCalendar } from './calendar.js';

/** Time arithmetic on either calendar a clock can run on, in epoch milliseconds. */
export class Timekeeper {
  constructor(private readonly calendar: BusinessCalendar) {}

  add(kind: CalendarKind, start: number, ms: number): number {
    return kind === 'continuous'
      ? start + ms
      : this.calendar.addBusinessMs(new Date(start), ms).getTime();
  }

  between(kind: CalendarKind, from: number, to: number): number {
    return kind === 'continuous'
      ? to - from
      : this.calendar.businessMsBetween(new Date(from), new Date(to));
  }

  isBusinessTime(at: number): boolean {
    return this.calendar.isBusinessTime(new Date(at));
  }
}

/** The calendar a severity's work counts on (severity 1-2 continuous unless the contract says). */
export function severityCalendar(contract: Contract, severity: Severity): CalendarKind {
  return contract.severities[severity].calendar;
}
