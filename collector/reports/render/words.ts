import { DateTime } from 'luxon';
import { formatDuration } from '../../../shared/duration.js';
import type { ClockKind, ClockStatus } from '../../domain/ticket-events.js';

/** How the reports write times, durations, percentages and clocks for people. */

/** `2026-03-02 10:00 EST`: local to the contract's zone, with its abbreviation. */
export function localTime(iso: string | null, zone: string): string {
  if (iso === null) return '—';
  return DateTime.fromISO(iso, { zone }).toFormat('yyyy-MM-dd HH:mm ZZZZ');
}

/** `2026-03-02T10:00:00-05:00`: unambiguous and local, for CSV. */
export function offsetTime(iso: string | null, zone: string): string {
  if (iso === null) return '';
  return DateTime.fromISO(iso, { zone }).toISO({ suppressMilliseconds: true })!;
}

/** `1h30m`, `2d3h`; a positive duration, to the minute. */
export function span(ms: number): string {
  return formatDuration(Math.abs(Math.round(ms / 60_000) * 60_000));
}

/** Business time in hours (`26h30m`): a business day is not 24 hours. */
export function businessSpan(ms: number): string {
  const minutes = Math.abs(Math.round(ms / 60_000));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${h > 0 ? `${h}h` : ''}${m > 0 || h === 0 ? `${m}m` : ''}`;
}

/** A clock's margin on its own calendar. */
export function clockSpan(ms: number, calendar: 'business' | 'continuous'): string {
  return calendar === 'business' ? `${businessSpan(ms)} business` : span(ms);
}

export function percent(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(2)} %`;
}

const CLOCK_NAMES: Record<ClockKind, string> = {
  'onsite-response': 'On-site response',
  diagnosis: 'Diagnosis',
  replacement: 'Replacement blade',
  response: 'Response',
  'software-response': 'Software response (1 h)',
  'software-updates': 'Software updates',
};

export function clockName(kind: ClockKind): string {
  return CLOCK_NAMES[kind];
}

/** How a clock stands, in a few words: `met 2h early`, `missed by 1h`, `runs, 3h left`. */
export function clockState(clock: ClockStatus): string {
  const margin = clockSpan(clock.marginMs, clock.calendar);
  if (clock.state === 'met') return clock.marginMs > 0 ? `met, ${margin} early` : 'met on time';
  if (clock.state === 'breached') {
    return clock.metAt === null ? `missed, ${margin} overdue` : `missed by ${margin}`;
  }
  return `running, ${margin} left`;
}

/** `Response: due 2026-03-02 14:00 EST, met 12:00 EST (2h early)`. */
export function clockLine(clock: ClockStatus, zone: string): string {
  const label =
    clock.kind === 'software-updates'
      ? `${clockName(clock.kind)} #${clock.iteration}`
      : clockName(clock.kind);
  const met = clock.metAt ? `, met ${localTime(clock.metAt, zone)}` : '';
  return `${label}: due ${localTime(clock.dueAt, zone)}${met} (${clockState(clock)})`;
}

export function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

export const SLR_WORDS = {
  met: 'met',
  missed: 'missed',
  pending: 'pending',
  'not-counted': 'not counted',
} as const;
