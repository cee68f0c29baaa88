import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../../collector/sla/calendar.js';
import { easterSunday, isoDate } from '../../../collector/sla/civil-date.js';
import { HOUR, MINUTE, testContract } from './fixtures.js';

const calendar = new BusinessCalendar(testContract().businessHours);
const plain = new BusinessCalendar({
  zone: 'America/New_York',
  open: '08:00',
  close: '20:00',
  extraClosures: [],
});

const at = (iso: string): Date => new Date(iso);

// The NYSE's published holiday calendars (nyse.com/markets/hours-calendars), written out by hand.
const PUBLISHED: Record<number, string[]> = {
  2024: [
    '2024-01-01',
    '2024-01-15',
    '2024-02-19',
    '2024-03-29',
    '2024-05-27',
    '2024-06-19',
    '2024-07-04',
    '2024-09-02',
    '2024-11-28',
    '2024-12-25',
  ],
  2025: [
    '2025-01-01',
    '2025-01-20',
    '2025-02-17',
    '2025-04-18',
    '2025-05-26',
    '2025-06-19',
    '2025-07-04',
    '2025-09-01',
    '2025-11-27',
    '2025-12-25',
  ],
  2026: [
    '2026-01-01',
    '2026-01-19',
    '2026-02-16',
    '2026-04-03',
    '2026-05-25',
    '2026-06-19',
    '2026-07-03',
    '2026-09-07',
    '2026-11-26',
    '2026-12-25',
  ],
  2027: [
    '2027-01-01',
    '2027-01-18',
    '2027-02-15',
    '2027-03-26',
    '2027-05-31',
    '2027-06-18',
    '2027-07-05',
    '2027-09-06',
    '2027-11-25',
    '2027-12-24',
  ],
  // New Year's Day 2028 falls on a Saturday: no closure.
  2028: [
    '2028-01-17',
    '2028-02-21',
    '2028-04-14',
    '2028-05-29',
    '2028-06-19',
    '2028-07-04',
    '2028-09-04',
    '2028-11-23',
    '2028-12-25',
  ],
};

describe('NYSE closures by rule', () => {
  for (const [year, dates] of Object.entries(PUBLISHED)) {
    it(`match the published ${year} calendar`, () => {
      expect(plain.closures(Number(year)).map((c) => c.date)).toEqual(dates);
    });
  }

  it('adds the contract’s extra closures in date order', () => {
    const closures = calendar.closures(2025);
    expect(closures.map((c) => c.date)).toEqual([
      ...PUBLISHED[2025]!.slice(0, 1),
      '2025-01-09',
      ...PUBLISHED[2025]!.slice(1),
    ]);
    expect(closures[1]!.name).toMatch(/Jimmy Carter/);
    expect(calendar.isBusinessDay('2025-01-09')).toBe(false);
    expect(plain.isBusinessDay('2025-01-09')).toBe(true);
  });

  it('names each holiday and marks the observed ones', () => {
    expect(plain.closures(2026).map((c) => c.name)).toEqual([
      "New Year's Day",
      'Martin Luther King, Jr. Day',
      "Washington's Birthday",
      'Good Friday',
      'Memorial Day',
      'Juneteenth National Independence Day',
      'Independence Day (observed)',
      'Labor Day',
      'Thanksgiving Day',
      'Christmas Day',
    ]);
  });

  it('keeps New Year’s Day on a Saturday from closing the Friday before (2022, 2028)', () => {
    expect(plain.closures(2021).map((c) => c.date)).not.toContain('2021-12-31');
    expect(plain.closures(2022).map((c) => c.date)).not.toContain('2022-01-03');
    expect(plain.closures(2022)[0]!.date).toBe('2022-01-17');
    expect(plain.closures(2027).map((c) => c.date)).not.toContain('2027-12-31');
    expect(plain.isBusinessDay('2021-12-31')).toBe(true);
  });

  it('moves a Sunday holiday to Monday and a Saturday one to Friday', () => {
    // New Year's Day 2023 was a Sunday: closed Monday 2 January.
    expect(plain.closures(2023)[0]).toEqual({
      date: '2023-01-02',
      name: "New Year's Day (observed)",
    });
    // Christmas 2027 on a Saturday: closed Friday 24 December; 2022 on a Sunday: Monday 26th.
    expect(plain.isBusinessDay('2027-12-24')).toBe(false);
    expect(plain.isBusinessDay('2022-12-26')).toBe(false);
    // Independence Day 2026 on a Saturday, 2027 on a Sunday.
    expect(plain.isBusinessDay('2026-07-03')).toBe(false);
    expect(plain.isBusinessDay('2027-07-05')).toBe(false);
  });

  it('observes Juneteenth from 2022 only, moved off weekends', () => {
    expect(plain.closures(2021).some((c) => c.name.startsWith('Juneteenth'))).toBe(false);
    expect(plain.isBusinessDay('2022-06-20')).toBe(false); // Sunday 19th
    expect(plain.isBusinessDay('2027-06-18')).toBe(false); // Saturday 19th
    expect(plain.isBusinessDay('2033-06-20')).toBe(false); // Sunday 19th
  });

  it('computes Easter by the Gregorian computus', () => {
    const known: Record<number, string> = {
      2000: '2000-04-23',
      2008: '2008-03-23',
      2011: '2011-04-24',
      2019: '2019-04-21',
      2024: '2024-03-31',
      2038: '2038-04-25',
      2285: '2285-03-22',
    };
    for (const [year, date] of Object.entries(known)) {
      expect(isoDate(easterSunday(Number(year)))).toBe(date);
    }
  });

  it('counts early-close days as full business days', () => {
    // 2026-11-27 (day after Thanksgiving) and 2026-12-24 close the NYSE at 13:00.
    expect(plain.isBusinessDay('2026-11-27')).toBe(true);
    expect(plain.isBusinessTime(at('2026-11-27T19:00:00Z'))).toBe(true); // 14:00 EST
    expect(plain.businessMsBetween(at('2026-11-27T13:00:00Z'), at('2026-11-28T01:00:00Z'))).toBe(
      12 * HOUR,
    );
  });
});

describe('business time', () => {
  it('is 08:00 inclusive to 20:00 exclusive, weekdays only', () => {
    expect(plain.isBusinessTime(at('2026-03-04T13:00:00Z'))).toBe(true); // Wed 08:00 EST
    expect(plain.isBusinessTime(at('2026-03-04T12:59:59.999Z'))).toBe(false);
    expect(plain.isBusinessTime(at('2026-03-05T00:59:59.999Z'))).toBe(true); // 19:59:59.999
    expect(plain.isBusinessTime(at('2026-03-05T01:00:00Z'))).toBe(false); // 20:00
    expect(plain.isBusinessTime(at('2026-03-07T15:00:00Z'))).toBe(false); // Saturday
    expect(plain.isBusinessTime(at('2026-01-19T15:00:00Z'))).toBe(false); // MLK day
  });

  it('follows daylight saving in March and November', () => {
    // Sunday 8 March 2026 clocks go forward: 08:00 is 13:00Z before, 12:00Z after.
    expect(plain.isBusinessTime(at('2026-03-06T13:00:00Z'))).toBe(true);
    expect(plain.isBusinessTime(at('2026-03-09T12:00:00Z'))).toBe(true);
    expect(plain.isBusinessTime(at('2026-03-09T11:59:00Z'))).toBe(false);
    expect(plain.isBusinessTime(at('2026-03-09T23:59:00Z'))).toBe(true); // 19:59 EDT
    expect(plain.isBusinessTime(at('2026-03-10T00:00:00Z'))).toBe(false); // 20:00 EDT
    // Sunday 1 November 2026 clocks go back.
    expect(plain.isBusinessTime(at('2026-10-30T12:00:00Z'))).toBe(true); // 08:00 EDT
    expect(plain.isBusinessTime(at('2026-11-02T12:00:00Z'))).toBe(false); // 07:00 EST
    expect(plain.isBusinessTime(at('2026-11-02T13:00:00Z'))).toBe(true);
    // Each business day of the DST weeks is still twelve hours long.
    expect(plain.businessMsBetween(at('2026-03-06T05:00:00Z'), at('2026-03-11T04:00:00Z'))).toBe(
      36 * HOUR,
    );
    expect(plain.businessMsBetween(at('2026-10-30T04:00:00Z'), at('2026-11-04T05:00:00Z'))).toBe(
      36 * HOUR,
    );
  });
});

describe('business arithmetic', () => {
  it('adds within a day and across the night', () => {
    expect(plain.addBusinessMs(at('2026-03-04T14:00:00Z'), 2 * HOUR)).toEqual(
      at('2026-03-04T16:00:00Z'),
    );
    // Wed 19:00 EST + 2h → Thu 09:00 EST
    expect(plain.addBusinessMs(at('2026-03-05T00:00:00Z'), 2 * HOUR)).toEqual(
      at('2026-03-05T14:00:00Z'),
    );
  });

  it('counts from the next opening when started outside business hours', () => {
    // Wed 22:00 EST + 30m → Thu 08:30 EST
    expect(plain.addBusinessMs(at('2026-03-05T03:00:00Z'), 30 * MINUTE)).toEqual(
      at('2026-03-05T13:30:00Z'),
    );
    // Saturday + 1h → Monday 09:00 EST
    expect(plain.addBusinessMs(at('2026-02-28T15:00:00Z'), HOUR)).toEqual(
      at('2026-03-02T14:00:00Z'),
    );
  });

  it('lands on the closing time rather than the next opening', () => {
    // Fri 16:00 EST + 4h = Fri 20:00 EST, not Mon 08:00
    expect(plain.addBusinessMs(at('2026-03-06T21:00:00Z'), 4 * HOUR)).toEqual(
      at('2026-03-07T01:00:00Z'),
    );
  });

  it('skips weekends, holidays and extra closures', () => {
    // Fri 2026-01-16 19:00 EST + 2h: Mon 19th is MLK day → Tue 09:00 EST
    expect(plain.addBusinessMs(at('2026-01-17T00:00:00Z'), 2 * HOUR)).toEqual(
      at('2026-01-20T14:00:00Z'),
    );
    // Wed 2025-01-08 19:00 EST + 2h: Thu 9th closed (mourning) → Fri 09:00 EST
    expect(calendar.addBusinessMs(at('2025-01-09T00:00:00Z'), 2 * HOUR)).toEqual(
      at('2025-01-10T14:00:00Z'),
    );
    expect(plain.addBusinessMs(at('2025-01-09T00:00:00Z'), 2 * HOUR)).toEqual(
      at('2025-01-09T14:00:00Z'),
    );
    // Wed 2026-11-25 19:00 EST + 2h: Thanksgiving → Fri 27th 09:00 EST
    expect(plain.addBusinessMs(at('2026-11-26T00:00:00Z'), 2 * HOUR)).toEqual(
      at('2026-11-27T14:00:00Z'),
    );
  });

  it('crosses daylight-saving changes by local wall time', () => {
    // Fri 2026-03-06 19:00 EST + 2h → Mon 9 March 09:00 EDT (13:00Z)
    expect(plain.addBusinessMs(at('2026-03-07T00:00:00Z'), 2 * HOUR)).toEqual(
      at('2026-03-09T13:00:00Z'),
    );
    // Fri 2026-10-30 19:00 EDT + 2h → Mon 2 November 09:00 EST (14:00Z)
    expect(plain.addBusinessMs(at('2026-10-30T23:00:00Z'), 2 * HOUR)).toEqual(
      at('2026-11-02T14:00:00Z'),
    );
  });

  it('adds weeks without stepping minute by minute, and agrees with businessMsBetween', () => {
    const start = at('2026-01-05T15:00:00Z');
    // 12 weeks of 5 days of 12 hours.
    const ms = 60 * 12 * HOUR;
    const t0 = performance.now();
    const end = plain.addBusinessMs(start, ms);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(plain.businessMsBetween(start, end)).toBe(ms);
    // 60 business days from Mon 5 Jan 10:00 EST, past MLK and Washington's Birthday: Wed 1 April.
    expect(end).toEqual(at('2026-04-01T14:00:00Z'));
    expect(plain.businessMsBetween(end, start)).toBe(-ms);
  });

  it('is consistent: between(start, add(start, ms)) = ms over many starts', () => {
    let t = at('2026-02-27T03:17:00Z').getTime();
    for (let i = 0; i < 300; i++) {
      const start = new Date(t);
      const ms = ((i * 7919) % 100) * 17 * MINUTE + 1;
      expect(plain.businessMsBetween(start, plain.addBusinessMs(start, ms))).toBe(ms);
      t += 5 * HOUR + 13 * MINUTE;
    }
  });

  it('returns the start for zero', () => {
    expect(plain.addBusinessMs(at('2026-03-07T15:00:00Z'), 0)).toEqual(at('2026-03-07T15:00:00Z'));
  });

  it('finds the next business time', () => {
    expect(plain.nextBusinessTime(at('2026-03-07T15:00:00Z'))).toEqual(at('2026-03-09T12:00:00Z'));
    expect(plain.nextBusinessTime(at('2026-03-09T15:00:00Z'))).toEqual(at('2026-03-09T15:00:00Z'));
  });
});

describe('other business hours', () => {
  it('follows the configured zone and hours, with that zone’s daylight saving', () => {
    const london = new BusinessCalendar({
      zone: 'Europe/London',
      open: '09:00',
      close: '17:30',
      extraClosures: [],
    });
    // Fri 27 March 2026 17:00 GMT + 1h: 30m Friday, then Monday 30th (BST) 09:30 = 08:30Z.
    expect(london.addBusinessMs(at('2026-03-27T17:00:00Z'), HOUR)).toEqual(
      at('2026-03-30T08:30:00Z'),
    );
    expect(london.isBusinessTime(at('2026-03-30T08:00:00Z'))).toBe(true); // 09:00 BST
    expect(london.isBusinessTime(at('2026-03-27T08:30:00Z'))).toBe(false); // 08:30 GMT
    expect(london.businessMsBetween(at('2026-03-30T00:00:00Z'), at('2026-03-31T00:00:00Z'))).toBe(
      8.5 * HOUR,
    );
  });
});
