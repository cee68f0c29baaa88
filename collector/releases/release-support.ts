import { DateTime } from 'luxon';
import type { Contract, MajorRelease } from '../../shared/config/contract.js';

/**
 * Major Releases and their support: "support services ... for Major Releases ... for at least 24
 * months after the initial public release", and "Not more than one hundred and twenty (120) days
 * and not less than ninety (90) days prior to the end of a service for a Major Release ...
 * Egenera will notify Customer". Dates are calendar dates in the contract's zone.
 */
export interface BladeSoftware {
  bladeId: string;
  siteId: string;
  frameId: string;
  hostname: string | null;
  /** From the agent's birth message: the vendor software installed. */
  software: { product: string; version: string }[];
}

export interface BladeOnRelease {
  bladeId: string;
  siteId: string;
  frameId: string;
  hostname: string | null;
  version: string;
}

export type SupportPhase = 'supported' | 'notice-window' | 'notice-late' | 'ended';

export interface ReleaseSupport {
  product: string;
  version: string;
  name: string;
  releasedOn: string;
  /** The day support ends. */
  endOfSupportOn: string;
  /** The notice is due from this day ... */
  noticeFrom: string;
  /** ... to this day, inclusive. */
  noticeBy: string;
  phase: SupportPhase;
  blades: BladeOnRelease[];
}

export const releaseKey = (major: Pick<MajorRelease, 'product' | 'version'>): string =>
  `${major.product}@${major.version}`;

export function endOfSupportOn(major: MajorRelease, contract: Contract): string {
  if (major.endOfSupportOn) return major.endOfSupportOn;
  return DateTime.fromISO(major.releasedOn, { zone: 'utc' })
    .plus({ months: contract.releases.supportMonths })
    .toISODate()!;
}

function minusDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'utc' }).minus({ days }).toISODate()!;
}

/** Where a release stands on a given day (`YYYY-MM-DD`). */
export function phaseOn(
  today: string,
  window: { noticeFrom: string; noticeBy: string; endOfSupportOn: string },
): SupportPhase {
  if (today >= window.endOfSupportOn) return 'ended';
  if (today > window.noticeBy) return 'notice-late';
  if (today >= window.noticeFrom) return 'notice-window';
  return 'supported';
}

const sameProduct = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Whether a blade's version (`5.0.3`, `5.0-2`) belongs to a Major Release's (`5.0`). */
export function versionIsOf(version: string, major: string): boolean {
  const v = version.trim();
  return v === major || v.startsWith(`${major}.`) || v.startsWith(`${major}-`);
}

/**
 * The Major Release a blade's installed product runs: the most specific one matching (a blade on
 * 5.1.2 runs 5.1 rather than 5 when both are listed).
 */
export function releaseOf(
  installed: { product: string; version: string },
  majors: readonly MajorRelease[],
): MajorRelease | null {
  let best: MajorRelease | null = null;
  for (const m of majors) {
    if (!sameProduct(m.product, installed.product) || !versionIsOf(installed.version, m.version)) {
      continue;
    }
    if (!best || m.version.length > best.version.length) best = m;
  }
  return best;
}

/** Every Major Release of the contract on a day, with the blades still running it. */
export function releaseSupport(
  contract: Contract,
  blades: readonly BladeSoftware[],
  today: string,
): ReleaseSupport[] {
  const majors = contract.releases.majors;
  const on = new Map<string, BladeOnRelease[]>(majors.map((m) => [releaseKey(m), []]));
  for (const blade of blades) {
    for (const installed of blade.software) {
      const major = releaseOf(installed, majors);
      if (!major) continue;
      on.get(releaseKey(major))!.push({
        bladeId: blade.bladeId,
        siteId: blade.siteId,
        frameId: blade.frameId,
        hostname: blade.hostname,
        version: installed.version,
      });
    }
  }
  const { earliestDays, latestDays } = contract.releases.notice;
  return majors.map((m) => {
    const end = endOfSupportOn(m, contract);
    const window = {
      endOfSupportOn: end,
      noticeFrom: minusDays(end, earliestDays),
      noticeBy: minusDays(end, latestDays),
    };
    return {
      product: m.product,
      version: m.version,
      name: m.name ?? `${m.product} ${m.version}`,
      releasedOn: m.releasedOn,
      ...window,
      phase: phaseOn(today, window),
      blades: on
        .get(releaseKey(m))!
        .sort((a, b) =>
          `${a.siteId}/${a.frameId}/${a.bladeId}`.localeCompare(
            `${b.siteId}/${b.frameId}/${b.bladeId}`,
          ),
        ),
    };
  });
}
