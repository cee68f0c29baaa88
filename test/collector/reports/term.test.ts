import { describe, expect, it } from 'vitest';
import { judgeCall, siteSlr, type SiteSlr } from '../../../collector/reports/slr.js';
import { computeTerm, lastDayOf } from '../../../collector/reports/term.js';
import { march2026Logs } from './march-2026.js';
import { reportContract, slrContext } from './support.js';

const asOf = new Date('2026-04-06T12:00:00Z');

function figures(contract = reportContract()) {
  const ctx = slrContext(asOf.toISOString(), contract);
  const judged = march2026Logs().map((e) => judgeCall(e, ctx));
  return async (month: string): Promise<SiteSlr[]> => siteSlr(judged, contract, month, asOf);
}

describe('the term of service and its credits', () => {
  it('runs one year for Enterprise I and two for Enterprise II', () => {
    expect(lastDayOf('2026-01-01', 12)).toBe('2026-12-31');
    expect(lastDayOf('2026-01-01', 24)).toBe('2027-12-31');
    expect(lastDayOf('2026-03-15', 12)).toBe('2027-03-14');
  });

  it('extends Enterprise I by one month for March 2026 below the threshold at ny2', async () => {
    const contract = reportContract();
    const term = await computeTerm(contract, '2026-04', figures(contract));
    expect(term).toEqual({
      program: 'enterprise-i',
      startsOn: '2026-01-01',
      months: 12,
      originalEndsOn: '2026-12-31',
      endsOn: '2027-01-31',
      extensionMonths: 1,
      credits: [
        {
          month: '2026-03',
          months: 1,
          sites: [{ siteId: 'ny2', siteName: 'Lower Manhattan secondary', percent: 50 }],
          endsOn: '2027-01-31',
        },
      ],
    });
  });

  it('extends Enterprise II from its two-year end', async () => {
    const contract = reportContract((c) => {
      c.program = 'enterprise-ii';
    });
    const term = await computeTerm(contract, '2026-04', figures(contract));
    expect([term.originalEndsOn, term.endsOn]).toEqual(['2027-12-31', '2028-01-31']);
  });

  it('grants nothing for a month exactly at the threshold, or not yet over', async () => {
    const contract = reportContract();
    // March is the current month: no credit until it is over and decided.
    expect((await computeTerm(contract, '2026-03', figures(contract))).credits).toEqual([]);
    const atThreshold = reportContract((c) => {
      c.slr = { thresholdPercent: 50 };
    });
    const term = await computeTerm(atThreshold, '2026-04', figures(atThreshold));
    expect(term.credits).toEqual([]);
    expect(term.endsOn).toBe('2026-12-31');
  });

  it('counts one month per site below with creditPer: site-month', async () => {
    const contract = reportContract((c) => {
      c.slr = { thresholdPercent: 80, creditPer: 'site-month' };
    });
    const term = await computeTerm(contract, '2026-04', figures(contract));
    expect(term.credits).toHaveLength(1);
    expect(term.credits[0]).toMatchObject({ month: '2026-03', months: 2 });
    expect(term.endsOn).toBe('2027-02-28');
  });

  it('measures the months of an extension, and none after the term', async () => {
    const contract = reportContract((c) => {
      c.startsOn = '2025-04-01';
    });
    const below = (month: string): SiteSlr[] => [
      {
        siteId: 'nj1',
        siteName: 'Weehawken primary',
        month,
        calls: 1,
        met: 0,
        missed: 1,
        pending: 0,
        percent: 0,
        thresholdPercent: 75,
        belowThreshold: true,
        final: true,
      },
    ];
    const asked: string[] = [];
    const term = await computeTerm(contract, '2027-01', async (month) => {
      asked.push(month);
      // Only March 2026, the term's last month, is below: the extension month (April) is
      // measured as well, and is fine.
      return month === '2026-03' ? below(month) : [];
    });
    expect(term.endsOn).toBe('2026-04-30');
    expect(asked[0]).toBe('2025-04');
    expect(asked.at(-1)).toBe('2026-04');
  });
});
