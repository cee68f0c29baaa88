import type { Contract } from '../../shared/config/contract.js';

/**
 * Spare parts on, or nearby, each site: "Egenera must maintain at least one set of replacement
 * parts". The stock is never stored: it is the contract's full sets, less the parts taken by
 * `replacement-dispatched` events, plus the restock records, replayed in time order. So a
 * corrected contract or a late-recorded restock recomputes it exactly.
 */
export interface Dispatch {
  ticketId: string;
  siteId: string;
  /** The set named by the engineer; null: the first set of the site that has the part. */
  spareSetId: string | null;
  serial: string | null;
  at: string;
}

export interface RestockRecord {
  id: string;
  siteId: string;
  spareSetId: string;
  part: string;
  quantity: number;
  at: string;
  by: string;
  note: string;
}

export interface PartStock {
  part: string;
  description: string | null;
  /** How many a full set holds. */
  full: number;
  onHand: number;
  missing: number;
}

export interface SetStock {
  spareSetId: string;
  name: string | null;
  location: string | null;
  parts: PartStock[];
  full: boolean;
}

export interface SiteStock {
  siteId: string;
  siteName: string;
  sets: SetStock[];
  fullSets: number;
  belowOneSet: boolean;
  /** When the site last fell below one full set (null: never had one, or is not below). */
  belowSince: string | null;
  /** Dispatches with no part left to take from the site's sets (sent from elsewhere). */
  unallocated: Dispatch[];
  dispatches: number;
  restocks: number;
}

/** A site below one full set: what the daily report shows until it is restocked. */
export interface SpareShortfall {
  siteId: string;
  siteName: string;
  belowSince: string | null;
  missing: { spareSetId: string; part: string; description: string | null; missing: number }[];
  reason: string;
}

type Step = { at: string; order: number } & (
  { kind: 'dispatch'; dispatch: Dispatch } | { kind: 'restock'; restock: RestockRecord }
);

/** The stock of every contract site at `at` (default: after every record given). */
export function computeStock(
  contract: Contract,
  dispatches: readonly Dispatch[],
  restocks: readonly RestockRecord[],
  at?: Date,
): SiteStock[] {
  const limit = at?.getTime() ?? Infinity;
  const part = contract.spares.replacementPart;
  return contract.sites.map((site) => {
    const sets = site.spareSets.map((set) => ({
      spareSetId: set.id,
      name: set.name ?? null,
      location: set.location ?? null,
      parts: set.parts.map((p) => ({
        part: p.part,
        description: p.description ?? null,
        full: p.quantity,
        onHand: p.quantity,
      })),
    }));
    const isFull = (s: (typeof sets)[number]) => s.parts.every((p) => p.onHand >= p.full);
    const fullSets = () => sets.filter(isFull).length;
    const steps: Step[] = [
      ...dispatches
        .filter((d) => d.siteId === site.id)
        .map((d, order) => ({ at: d.at, order, kind: 'dispatch' as const, dispatch: d })),
      ...restocks
        .filter((r) => r.siteId === site.id)
        .map((r, order) => ({ at: r.at, order, kind: 'restock' as const, restock: r })),
    ]
      .filter((s) => Date.parse(s.at) <= limit)
      .sort((a, b) => a.at.localeCompare(b.at) || a.order - b.order);

    const unallocated: Dispatch[] = [];
    let belowSince: string | null = null;
    let dispatchCount = 0;
    let restockCount = 0;
    for (const step of steps) {
      const before = fullSets();
      if (step.kind === 'dispatch') {
        dispatchCount++;
        const named = step.dispatch.spareSetId;
        const candidates = named === null ? sets : sets.filter((s) => s.spareSetId === named);
        // The named set, else the first full set that has the part, else any set that has it.
        const from =
          candidates.find(
            (s) => isFull(s) && s.parts.some((p) => p.part === part && p.onHand > 0),
          ) ?? candidates.find((s) => s.parts.some((p) => p.part === part && p.onHand > 0));
        const slot = from?.parts.find((p) => p.part === part);
        if (slot) slot.onHand--;
        else unallocated.push(step.dispatch);
      } else {
        restockCount++;
        const r = step.restock;
        const slot = sets
          .find((s) => s.spareSetId === r.spareSetId)
          ?.parts.find((p) => p.part === r.part);
        if (slot) slot.onHand += r.quantity;
      }
      const after = fullSets();
      if (before >= 1 && after === 0) belowSince = step.at;
      if (after >= 1) belowSince = null;
    }
    const count = fullSets();
    return {
      siteId: site.id,
      siteName: site.name,
      sets: sets.map((s) => ({
        ...s,
        parts: s.parts.map((p) => ({ ...p, missing: Math.max(0, p.full - p.onHand) })),
        full: isFull(s),
      })),
      fullSets: count,
      belowOneSet: count === 0,
      belowSince,
      unallocated,
      dispatches: dispatchCount,
      restocks: restockCount,
    };
  });
}

/** The sites below one full set, with what is missing. */
export function shortfallsOf(stock: readonly SiteStock[]): SpareShortfall[] {
  return stock
    .filter((s) => s.belowOneSet)
    .map((s) => {
      const missing = s.sets.flatMap((set) =>
        set.parts
          .filter((p) => p.missing > 0)
          .map((p) => ({
            spareSetId: set.spareSetId,
            part: p.part,
            description: p.description,
            missing: p.missing,
          })),
      );
      return {
        siteId: s.siteId,
        siteName: s.siteName,
        belowSince: s.belowSince,
        missing,
        reason:
          s.sets.length === 0
            ? 'no spare set is on record for the site'
            : `no full spare set: ${missing.map((m) => `${m.missing} × ${m.part} (${m.spareSetId})`).join(', ')}`,
      };
    });
}
