import { DateTime } from 'luxon';
import type { BusinessHours } from '../../shared/config/contract.js';
import { civilDate, dayNumber, isoDate, parseIsoDate, weekday } from './civil-date.js';
import { nyseHolidays, type Closure } from './nyse-holidays.js';

/** One business day's open window as instants (epoch ms), or null when the day is closed. */
type Window = readonly [open: number, close: number] | null;

const WINDOW_CACHE_LIMIT = 20_000;
const DAY_MS = 86_400_000;

/**
 * Business hours of the contract: `open`-`close` in `zone`, Monday to Friday, excluding NYSE
 * holidays (by rule) and the contract's extra closures. Early-close days (the NYSE's 1 pm days)
 * are full business days. Windows are computed per local date, so a daylight-saving change
 * moves the instants of 08:00 and 20:00, never the business day's length. The business window
 * is half-open: 08:00 is business time, 20:00 is not.
 *
 * Arithmetic walks whole days (one window per day), never minutes, and caches each day's window.
 */
export class BusinessCalendar {
  readonly zone: string;
  private readonly open: { hour: number; minute: number };
  private readonly close: { hour: number; minute: number };
  private readonly extra: Map<number, string>;
  private readonly closedDays = new Map<number, Map<number, string>>();
  private readonly windows = new Map<number, Window>();
  private readonly midnights = new Map<number, number>();
  private readonly prefixes = new Map<number, { start: number; prefix: Float64Array }>();

  constructor(hours: BusinessHours) {
    this.zone = hours.zone;
    this.open = parseTime(hours.open);
    this.close = parseTime(hours.close);
    this.extra = new Map(hours.extraClosures.map((c) => [parseIsoDate(c.date), c.name]));
  }

  /** The year's closures: NYSE holidays by rule plus extra closures, in date order. */
  closures(year: number): Closure[] {
    return [...this.closedIn(year).entries()]
      .sort(([a], [b]) => a - b)
      .map(([day, name]) => ({ date: isoDate(day), name }));
  }

  /** Whether a local calendar date (YYYY-MM-DD) is a business day. */
  isBusinessDay(date: string): boolean {
    return this.window(parseIsoDate(date)) !== null;
  }

  isBusinessTime(at: Date): boolean {
    const t = at.getTime();
    const w = this.window(this.localDay(t));
    return w !== null && t >= w[0] && t < w[1];
  }

  /**
   * The instant when `ms` of business time has elapsed after `start`. A start outside business
   * hours counts from the next opening; a result landing exactly on a closing time is that
   * closing time (due at 20:00 Friday, not 08:00 Monday). Zero or less returns `start`.
   */
  addBusinessMs(start: Date, ms: number): Date {
    let remaining = ms;
    if (!(remaining > 0)) return new Date(start.getTime());
    const cursor = start.getTime();
    for (let day = this.localDay(cursor); ; day++) {
      const w = this.window(day);
      if (!w) continue;
      const from = Math.max(cursor, w[0]);
      if (from >= w[1]) continue;
      const available = w[1] - from;
      if (remaining <= available) return new Date(from + remaining);
      remaining -= available;
    }
  }

  /** Business time between two instants; negative when `to` is before `from`. */
  businessMsBetween(from: Date, to: Date): number {
    const a = from.getTime();
    const b = to.getTime();
    if (b < a) return -this.businessMsBetween(to, from);
    const first = this.localDay(a);
    const last = this.localDay(b);
    if (first === last) return this.overlap(first, a, b);
    return (
      this.overlap(first, a, b) + this.fullDaysBetween(first + 1, last) + this.overlap(last, a, b)
    );
  }

  /** Business time of a day's window inside [a, b]. */
  private overlap(day: number, a: number, b: number): number {
    const w = this.window(day);
    if (!w) return 0;
    return Math.max(0, Math.min(b, w[1]) - Math.max(a, w[0]));
  }

  /** Business time of the whole days from `first` up to (not including) `end`. */
  private fullDaysBetween(first: number, end: number): number {
    if (end <= first) return 0;
    const y1 = civilDate(first).year;
    const y2 = civilDate(end).year;
    if (y1 === y2) return this.yearPrefix(y1, end) - this.yearPrefix(y1, first);
    let total = this.yearPrefix(y1, Infinity) - this.yearPrefix(y1, first);
    for (let y = y1 + 1; y < y2; y++) total += this.yearPrefix(y, Infinity);
    return total + this.yearPrefix(y2, end);
  }

  /** Business time of the year's days before `day` (the whole year for Infinity); cached per year. */
  private yearPrefix(year: number, day: number): number {
    let table = this.prefixes.get(year);
    if (!table) {
      const start = dayNumber(year, 1, 1);
      const days = dayNumber(year + 1, 1, 1) - start;
      const prefix = new Float64Array(days + 1);
      for (let i = 0; i < days; i++) {
        const w = this.window(start + i);
        prefix[i + 1] = prefix[i]! + (w ? w[1] - w[0] : 0);
      }
      table = { start, prefix };
      this.prefixes.set(year, table);
    }
    const index = Math.min(Math.max(day - table.start, 0), table.prefix.length - 1);
    return table.prefix[index]!;
  }

  /** The next instant at or after `at` that is business time. */
  nextBusinessTime(at: Date): Date {
    const t = at.getTime();
    for (let day = this.localDay(t); ; day++) {
      const w = this.window(day);
      if (w && t < w[1]) return new Date(Math.max(t, w[0]));
    }
  }

  private closedIn(year: number): Map<number, string> {
    let days = this.closedDays.get(year);
    if (!days) {
      days = new Map<number, string>();
      for (const h of nyseHolidays(year)) days.set(parseIsoDate(h.date), h.name);
      for (const [day, name] of this.extra) {
        if (civilDate(day).year === year && !days.has(day)) days.set(day, name);
      }
      this.closedDays.set(year, days);
    }
    return days;
  }

  /** The local date (day number) of an instant: a guess from the UTC date, then corrected. */
  private localDay(ms: number): number {
    let day = Math.floor(ms / DAY_MS);
    while (this.midnight(day) > ms) day--;
    while (this.midnight(day + 1) <= ms) day++;
    return day;
  }

  /** The instant a local date begins in the zone (cached: zones change offsets rarely). */
  private midnight(day: number): number {
    let t = this.midnights.get(day);
    if (t === undefined) {
      t = DateTime.fromObject(civilDate(day), { zone: this.zone }).startOf('day').toMillis();
      if (this.midnights.size >= WINDOW_CACHE_LIMIT) this.midnights.clear();
      this.midnights.set(day, t);
    }
    return t;
  }

  private window(day: number): Window {
    const cached = this.windows.get(day);
    if (cached !== undefined) return cached;
    const dow = weekday(day);
    const date = civilDate(day);
    let w: Window = null;
    if (dow !== 0 && dow !== 6 && !this.closedIn(date.year).has(day)) {
      w = [this.instant(date, this.open), this.instant(date, this.close)];
    }
    if (this.windows.size >= WINDOW_CACHE_LIMIT) this.windows.clear();
    this.windows.set(day, w);
    return w;
  }

  private instant(
    date: { year: number; month: number; day: number },
    time: { hour: number; minute: number },
  ): number {
    return DateTime.fromObject({ ...date, ...time }, { zone: this.zone }).toMillis();
  }
}

function parseTime(text: string): { hour: number; minute: number } {
  const [hour, minute] = text.split(':').map(Number) as [number, number];
  return { hour, minute };
}
