import { dayNumber, easterSunday, isoDate, nthWeekday, weekday } from './civil-date.js';

export interface Closure {
  date: string;
  name: string;
}

const MONDAY = 1;
const THURSDAY = 4;
const SATURDAY = 6;
const SUNDAY = 0;

/**
 * A fixed-date holiday as the NYSE observes it (Rule 7.2): on a Saturday the Friday before
 * closes, on a Sunday the Monday after. New Year's Day on a Saturday closes nothing, since the
 * Friday before ends the previous year's last trading session.
 */
function observed(day: number, name: string, saturdayClosesFriday = true): Closure | null {
  switch (weekday(day)) {
    case SATURDAY:
      return saturdayClosesFriday ? { date: isoDate(day - 1), name: `${name} (observed)` } : null;
    case SUNDAY:
      return { date: isoDate(day + 1), name: `${name} (observed)` };
    default:
      return { date: isoDate(day), name };
  }
}

function on(day: number, name: string): Closure {
  return { date: isoDate(day), name };
}

/** The NYSE's full-day holidays of a year, computed by rule, in date order. */
export function nyseHolidays(year: number): Closure[] {
  const closures: (Closure | null)[] = [
    observed(dayNumber(year, 1, 1), "New Year's Day", false),
    on(nthWeekday(year, 1, MONDAY, 3), 'Martin Luther King, Jr. Day'),
    on(nthWeekday(year, 2, MONDAY, 3), "Washington's Birthday"),
    on(easterSunday(year) - 2, 'Good Friday'),
    on(nthWeekday(year, 5, MONDAY, -1), 'Memorial Day'),
    // Juneteenth National Independence Day: an NYSE holiday from 2022.
    year >= 2022 ? observed(dayNumber(year, 6, 19), 'Juneteenth National Independence Day') : null,
    observed(dayNumber(year, 7, 4), 'Independence Day'),
    on(nthWeekday(year, 9, MONDAY, 1), 'Labor Day'),
    on(nthWeekday(year, 11, THURSDAY, 4), 'Thanksgiving Day'),
    observed(dayNumber(year, 12, 25), 'Christmas Day'),
  ];
  return closures.filter((c): c is Closure => c !== null);
}
