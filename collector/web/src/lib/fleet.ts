import type { BladeView, ListedTicket, Severity, SiteView } from './types.js';

/** A BladeFrame holds 24 blades: a frame's row shows 24 slots even before all have called in. */
export const FRAME_SLOTS = 24;

export type BladeState = BladeView['state'];

export interface BladeCell {
  /** Null: an empty slot (no blade has called in from it). */
  blade: BladeView | null;
  slot: number;
  /** Open tickets of this blade, worst first. */
  tickets: ListedTicket[];
  /** The worst open fault's severity, or null when healthy. */
  worst: Severity | null;
}

export interface FrameRow {
  siteId: string;
  frameId: string;
  silent: boolean;
  cells: BladeCell[];
  /** Open tickets of the frame as a whole (no blade named), e.g. a frame gone silent. */
  frameTickets: ListedTicket[];
  worst: Severity | null;
}

export interface SiteBlock {
  siteId: string;
  name: string | null;
  frames: FrameRow[];
  /** Open tickets naming the site only (calls placed by hand without a frame). */
  siteTickets: ListedTicket[];
}

/** Does this ticket colour the fleet? Open faults do; test calls and feature requests do not. */
export function isOpenFault(ticket: ListedTicket): boolean {
  return ticket.state !== 'closed' && !ticket.test && ticket.severity < 5;
}

function worstOf(tickets: readonly ListedTicket[]): Severity | null {
  let worst: Severity | null = null;
  for (const t of tickets)
    if (isOpenFault(t) && (worst === null || t.severity < worst)) worst = t.severity;
  return worst;
}

const bySeverity = (a: ListedTicket, b: ListedTicket) =>
  a.severity - b.severity || Number(a.id) - Number(b.id);

/** The trailing number of a blade id (`b07`, `blade-7`, `nj1-f2-s07`) is its slot, if in range. */
export function slotOf(bladeId: string): number | null {
  const match = /(\d+)$/.exec(bladeId);
  if (!match) return null;
  const slot = Number(match[1]);
  return slot >= 1 && slot <= FRAME_SLOTS ? slot : null;
}

const natural = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Places a frame's blades in slots: by the number in their id, the rest in the free slots. */
export function placeBlades(blades: readonly BladeView[]): (BladeView | null)[] {
  const sorted = [...blades].sort((a, b) => natural.compare(a.bladeId, b.bladeId));
  const slots: (BladeView | null)[] = Array.from(
    { length: Math.max(FRAME_SLOTS, sorted.length) },
    () => null,
  );
  const unplaced: BladeView[] = [];
  for (const blade of sorted) {
    const slot = slotOf(blade.bladeId);
    if (slot !== null && slots[slot - 1] === null) slots[slot - 1] = blade;
    else unplaced.push(blade);
  }
  for (const blade of unplaced) {
    const free = slots.indexOf(null);
    if (free === -1) slots.push(blade);
    else slots[free] = blade;
  }
  return slots;
}

/**
 * The fleet as sites → frames → slots, each blade with its open tickets and worst severity.
 * Sites and frames come from the registry and from the blades and tickets seen, so a frame that
 * has called in is shown even before `/api/sites` knows it.
 */
export function buildFleet(
  sites: readonly SiteView[],
  blades: Iterable<BladeView>,
  tickets: Iterable<ListedTicket>,
): SiteBlock[] {
  const siteNames = new Map<string, string | null>();
  const frames = new Map<
    string,
    { siteId: string; frameId: string; silent: boolean; blades: BladeView[] }
  >();
  const frameKey = (site: string, frame: string) => `${site}\u0000${frame}`;
  const ensureFrame = (siteId: string, frameId: string) => {
    const key = frameKey(siteId, frameId);
    let frame = frames.get(key);
    if (!frame) frames.set(key, (frame = { siteId, frameId, silent: false, blades: [] }));
    if (!siteNames.has(siteId)) siteNames.set(siteId, null);
    return frame;
  };
  for (const site of sites) {
    siteNames.set(site.siteId, site.name);
    for (const frame of site.frames)
      ensureFrame(site.siteId, frame.frameId).silent = frame.state === 'silent';
  }
  for (const blade of blades) ensureFrame(blade.siteId, blade.frameId).blades.push(blade);

  const byBlade = new Map<string, ListedTicket[]>();
  const byFrame = new Map<string, ListedTicket[]>();
  const bySite = new Map<string, ListedTicket[]>();
  const push = (map: Map<string, ListedTicket[]>, key: string, t: ListedTicket) => {
    const list = map.get(key);
    if (list) list.push(t);
    else map.set(key, [t]);
  };
  for (const t of tickets) {
    if (t.state === 'closed') continue;
    if (!siteNames.has(t.siteId)) siteNames.set(t.siteId, null);
    if (t.bladeId) push(byBlade, t.bladeId, t);
    else if (t.frameId) {
      ensureFrame(t.siteId, t.frameId);
      push(byFrame, frameKey(t.siteId, t.frameId), t);
    } else push(bySite, t.siteId, t);
  }

  const blocks: SiteBlock[] = [...siteNames.entries()]
    .sort(([a], [b]) => natural.compare(a, b))
    .map(([siteId, name]) => ({
      siteId,
      name,
      frames: [],
      siteTickets: (bySite.get(siteId) ?? []).sort(bySeverity),
    }));
  const blockOf = new Map(blocks.map((b) => [b.siteId, b]));
  const frameList = [...frames.values()].sort(
    (a, b) => natural.compare(a.siteId, b.siteId) || natural.compare(a.frameId, b.frameId),
  );
  for (const frame of frameList) {
    const cells = placeBlades(frame.blades).map((blade, i): BladeCell => {
      const list = blade ? (byBlade.get(blade.bladeId) ?? []).sort(bySeverity) : [];
      return { blade, slot: i + 1, tickets: list, worst: worstOf(list) };
    });
    const frameTickets = (byFrame.get(frameKey(frame.siteId, frame.frameId)) ?? []).sort(
      bySeverity,
    );
    blockOf.get(frame.siteId)!.frames.push({
      siteId: frame.siteId,
      frameId: frame.frameId,
      silent: frame.silent,
      cells,
      frameTickets,
      worst: worstOf(frameTickets),
    });
  }
  return blocks;
}

/** How the fleet stands, for the header: blades by state and by worst fault. */
export function fleetCounts(blocks: readonly SiteBlock[]) {
  const counts = { blades: 0, online: 0, down: 0, stopped: 0, faulty: 0 };
  for (const site of blocks) {
    for (const frame of site.frames) {
      for (const cell of frame.cells) {
        if (!cell.blade) continue;
        counts.blades++;
        if (cell.blade.state === 'online') counts.online++;
        else if (cell.blade.state === 'stopped') counts.stopped++;
        else counts.down++;
        if (cell.worst !== null) counts.faulty++;
      }
    }
  }
  return counts;
}
