import { DateTime } from 'luxon';

/**
 * Local times of day in the contract's zone, for schedules driven by the injected clock. A time
 * that does not exist on a day (02:30 when the clocks go forward) falls to the next real
 * instant; one that happens twice (01:30 when they go back) is the first.
 */
function parse(time: string): { hour: number; minute: number } {
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return { hour, minute };
}

/** The instant of `time` on the local date `date` (`YYYY-MM-DD`). */
export function localInstant(date: string, time: string, zone: string): Date {
  return DateTime.fromISO(date, { zone })
    .set({ ...parse(time), second: 0, millisecond: 0 })
    .toJSDate();
}

/** The first instant strictly after `now` that is `time` (HH:MM) in the zone. */
export function nextLocalTime(now: Date, time: string, zone: string): Date {
  let day = DateTime.fromJSDate(now, { zone }).startOf('day');
  for (;;) {
    const at = day.set({ ...parse(time), second: 0, millisecond: 0 });
    if (at.toMillis() > now.getTime()) return at.toJSDate();
    day = day.plus({ days: 1 });
  }
}
