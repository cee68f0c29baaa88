import { describe, expect, it } from 'vitest';
import {
  addMonths,
  dayPeriod,
  monthOf,
  monthPeriod,
  monthsBetween,
  weekOf,
  weekPeriod,
} from '../../../collector/reports/period.js';
import { judgeCall, siteSlr } from '../../../collector/reports/slr.js';
import { isBladeframeError } from '../../../shared/errors.js';
import { Call, reportContract, slrContext } from './support.js';

const NY = 'America/New_York';
const HOUR = 3_600_000;

describe('periods in the contract zone', () => {
  it('begins months at local midnight, whatever the offset', () => {
    // Sunday 1 November 2026: the clocks go back at 02:00 that night, so midnight is still EDT.
    const october = monthPeriod('2026-10', NY);
    expect(october.start.toISOString()).toBe('2026-10-01T04:00:00.000Z');
    expect(october.end.toISOString()).toBe('2026-11-01T04:00:00.000Z');
    const november = monthPeriod('2026-11', NY);
    expect(november.end.toISOString()).toBe('2026-12-01T05:00:00.000Z');
    expect((november.end.getTime() - november.start.getTime()) / HOUR).toBe(30 * 24 + 1);
    const march = monthPeriod('2026-03', NY);
    expect((march.end.getTime() - march.start.getTime()) / HOUR).toBe(31 * 24 - 1);
  });

  it('dates instants by New York time', () => {
    expect(monthOf(new Date('2026-11-01T03:59:59.999Z'), NY)).toBe('2026-10');
    expect(monthOf(new Date('2026-11-01T04:00:00.000Z'), NY)).toBe('2026-11');
    // 23:30 EST on 30 November; a fixed -04:00 offset would call it 1 December.
    expect(monthOf(new Date('2026-12-01T04:30:00Z'), NY)).toBe('2026-11');
  });

  it('has days of 23 and 25 hours on the changes', () => {
    const spring = dayPeriod('2026-03-08', NY);
    expect((spring.end.getTime() - spring.start.getTime()) / HOUR).toBe(23);
    const autumn = dayPeriod('2026-11-01', NY);
    expect((autumn.end.getTime() - autumn.start.getTime()) / HOUR).toBe(25);
  });

  it('reads ISO weeks, Monday to Sunday', () => {
    const w1 = weekPeriod('2026-W01', NY);
    expect(w1.start.toISOString()).toBe('2025-12-29T05:00:00.000Z');
    expect(w1.end.toISOString()).toBe('2026-01-05T05:00:00.000Z');
    expect(weekOf(new Date('2026-01-01T12:00Z'), NY)).toBe('2026-W01');
    expect(weekPeriod('2026-W53', NY).label).toBe('2026-W53');
  });

  it('refuses what is not a period, with the field and what it expects', () => {
    for (const [fn, value] of [
      [() => monthPeriod('2026-13', NY), 'month'],
      [() => monthPeriod('March', NY), 'month'],
      [() => dayPeriod('2026-02-30', NY), 'date'],
      [() => weekPeriod('2025-W53', NY), 'week'],
      [() => weekPeriod('2026-W00', NY), 'week'],
    ] as const) {
      try {
        fn();
        expect.fail(`accepted a bad ${value}`);
      } catch (error) {
        expect(isBladeframeError(error) && error.code).toBe('BF_BAD_REQUEST');
        expect((error as Error).message).toContain(value);
      }
    }
  });

  it('counts months', () => {
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(monthsBetween('2025-11', '2026-02')).toEqual([
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
    ]);
  });
});

describe('a month boundary at midnight Eastern across a daylight-saving change', () => {
  it('puts calls either side of midnight 31 October / 1 November 2026 in their months', () => {
    const contract = reportContract();
    const ctx = slrContext('2026-12-15T12:00:00Z', contract);
    // 23:59 EDT on Saturday 31 October, responded at 08:30 on Monday: met (due 12:00 Monday).
    const october = new Call({
      id: 'o',
      severity: 3,
      detectedAt: '2026-11-01T03:59:00Z',
    }).responded('2026-11-02T13:30:00Z');
    // 00:00 EDT on Sunday 1 November, one hour before the clocks went back: never responded.
    const november = new Call({ id: 'n', severity: 3, detectedAt: '2026-11-01T04:00:00Z' });
    // 23:30 EST on Monday 30 November, responded at 09:00 on 1 December: met, in November.
    const late = new Call({ id: 'l', severity: 3, detectedAt: '2026-12-01T04:30:00Z' }).responded(
      '2026-12-01T14:00:00Z',
    );
    const judged = [october, november, late].map((c) => judgeCall(c.events, ctx));
    expect(judged.map((j) => `${j.ticketId}:${j.month}:${j.outcome}`)).toEqual([
      'o:2026-10:met',
      'n:2026-11:missed',
      'l:2026-11:met',
    ]);
    // The November call's four business hours: Monday 2 November 08:00-12:00 EST.
    expect(judged[1]!.missedBy?.dueAt).toBe('2026-11-02T17:00:00.000Z');
    const asOf = new Date('2026-12-15T12:00:00Z');
    expect(siteSlr(judged, contract, '2026-10', asOf)[0]).toMatchObject({ calls: 1, met: 1 });
    expect(siteSlr(judged, contract, '2026-11', asOf)[0]).toMatchObject({
      calls: 2,
      met: 1,
      missed: 1,
      percent: 50,
      belowThreshold: true,
    });
  });
});
