import { DateTime } from 'luxon';
import { BladeframeError } from '../../shared/errors.js';

/**
 * A report's period: a calendar month, day or ISO week in the contract's zone, as the half-open
 * interval of instants [start, end). Months and days begin at local midnight, so a daylight-saving
 * change moves their instants (a month of 743 or 745 hours), never their dates.
 */
export interface Period {
  /** `2026-03`, `2026-03-09` or `2026-W11`. */
  label: string;
  zone: string;
  start: Date;
  end: Date;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const WEEK = /^(\d{4})-W(\d{2})$/;

function bad(field: string, value: string, expected: string): BladeframeError {
  return new BladeframeError('BF_BAD_REQUEST', `${field} must be ${expected}`, [
    `${field}: "${value}" is not ${expected}`,
  ]);
}

function period(label: string, zone: string, start: DateTime, end: DateTime): Period {
  return { label, zone, start: start.toJSDate(), end: end.toJSDate() };
}

export function monthPeriod(month: string, zone: string, field = 'month'): Period {
  const m = MONTH.exec(month);
  if (!m) throw bad(field, month, 'a month YYYY-MM');
  const start = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: 1 }, { zone });
  return period(month, zone, start, start.plus({ months: 1 }));
}

export function dayPeriod(date: string, zone: string, field = 'date'): Period {
  const start = DAY.test(date) ? DateTime.fromISO(date, { zone }) : null;
  if (!start?.isValid) throw bad(field, date, 'a date YYYY-MM-DD');
  return period(date, zone, start, start.plus({ days: 1 }));
}

/** An ISO 8601 week, Monday to Sunday: `2026-W01` begins on Monday 29 December 2025. */
export function weekPeriod(week: string, zone: string, field = 'week'): Period {
  const m = WEEK.exec(week);
  const start = m
    ? DateTime.fromObject(
        { weekYear: Number(m[1]), weekNumber: Number(m[2]), weekday: 1 },
        { zone },
      )
    : null;
  if (!start?.isValid || start.weekNumber !== Number(m![2])) {
    throw bad(field, week, 'an ISO week YYYY-Www that exists (01-52 or 53)');
  }
  return period(week, zone, start, start.plus({ weeks: 1 }));
}

/** The month (`YYYY-MM`) an instant falls in, in the zone. */
export function monthOf(at: Date | number, zone: string): string {
  return DateTime.fromMillis(new Date(at).getTime(), { zone }).toFormat('yyyy-MM');
}

/** The date (`YYYY-MM-DD`) an instant falls on, in the zone. */
export function dateOf(at: Date | number, zone: string): string {
  return DateTime.fromMillis(new Date(at).getTime(), { zone }).toISODate()!;
}

/** The ISO week (`YYYY-Www`) an instant falls in, in the zone. */
export function weekOf(at: Date | number, zone: string): string {
  return DateTime.fromMillis(new Date(at).getTime(), { zone }).toFormat("kkkk-'W'WW");
}

/** `YYYY-MM` plus n months (n may be negative). */
export function addMonths(month: string, n: number): string {
  const m = MONTH.exec(month);
  if (!m) throw bad('month', month, 'a month YYYY-MM');
  return DateTime.utc(Number(m[1]), Number(m[2]), 1).plus({ months: n }).toFormat('yyyy-MM');
}

/** Every month from `first` to `last` inclusive. */
export function monthsBetween(first: string, last: string): string[] {
  const months: string[] = [];
  for (let m = first; m <= last; m = addMonths(m, 1)) months.push(m);
  return months;
}
