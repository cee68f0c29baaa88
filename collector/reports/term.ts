import { DateTime } from 'luxon';
import { termMonths, type Contract } from '../../shared/config/contract.js';
import type { SiteSlr } from './slr.js';

/**
 * The term of service and its SLR credits: "For any month that Egenera's response time for any
 * site ... has been less than [**]%, Egenera will extend the term of service by one (1) month at
 * no additional charge". Enterprise I runs one year from `startsOn`, Enterprise II two.
 */
export interface SlrCredit {
  /** The month whose SLR fell below the threshold. */
  month: string;
  /** Months of extension it grants (1; with `creditPer: site-month`, one per site below). */
  months: number;
  sites: { siteId: string; siteName: string | null; percent: number | null }[];
  /** The last day of service once this credit (and every earlier one) is applied. */
  endsOn: string;
}

export interface Term {
  program: Contract['program'];
  startsOn: string;
  months: number;
  /** Last day of service without credits. */
  originalEndsOn: string;
  /** Last day of service with every credit so far. */
  endsOn: string;
  extensionMonths: number;
  credits: SlrCredit[];
}

/** The last day of a term of `months` months from `startsOn` (2026-01-01 + 24 → 2027-12-31). */
export function lastDayOf(startsOn: string, months: number): string {
  return DateTime.fromISO(startsOn, { zone: 'utc' })
    .plus({ months })
    .minus({ days: 1 })
    .toISODate()!;
}

/** The month (`YYYY-MM`) the term starts in, and the month of its last day so far. */
export function termMonthsRange(term: Pick<Term, 'startsOn' | 'endsOn'>): [string, string] {
  return [term.startsOn.slice(0, 7), term.endsOn.slice(0, 7)];
}

/** The credit a month's site figures earn, or null: only final figures below the threshold. */
export function creditFor(
  month: string,
  sites: readonly SiteSlr[],
  contract: Contract,
): Omit<SlrCredit, 'endsOn'> | null {
  const below = sites.filter((s) => s.month === month && s.final && s.belowThreshold);
  if (below.length === 0) return null;
  return {
    month,
    months: contract.slr.creditPer === 'site-month' ? below.length : 1,
    sites: below.map((s) => ({ siteId: s.siteId, siteName: s.siteName, percent: s.percent })),
  };
}

/**
 * The term with its credits. `slrOf(month)` gives the site figures of a month; months are
 * walked from the start while they lie in the (growing) term and are over at `asOf`, so an
 * extension month is itself measured.
 */
export async function computeTerm(
  contract: Contract,
  asOfMonth: string,
  slrOf: (month: string) => Promise<SiteSlr[]>,
): Promise<Term> {
  const base = termMonths(contract);
  const originalEndsOn = lastDayOf(contract.startsOn, base);
  const credits: SlrCredit[] = [];
  let extension = 0;
  let endsOn = originalEndsOn;
  const first = contract.startsOn.slice(0, 7);
  for (let month = first; month < asOfMonth && month <= endsOn.slice(0, 7);) {
    const credit = creditFor(month, await slrOf(month), contract);
    if (credit) {
      extension += credit.months;
      endsOn = lastDayOf(contract.startsOn, base + extension);
      credits.push({ ...credit, endsOn });
    }
    month = DateTime.fromISO(`${month}-01`, { zone: 'utc' })
      .plus({ months: 1 })
      .toFormat('yyyy-MM');
  }
  return {
    program: contract.program,
    startsOn: contract.startsOn,
    months: base,
    originalEndsOn,
    endsOn,
    extensionMonths: extension,
    credits,
  };
}
