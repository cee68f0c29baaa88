import type { BladeTable } from './tables.js';

/** What liveness reads and every message may change: all of a blade but its inventory. */
export const LIVE_COLUMNS = [
  'blade_id',
  'site_id',
  'frame_id',
  'environment',
  'boot_id',
  'heartbeat_s',
  'state',
  'state_since',
  'pending_since',
  'fault',
  'silent_deadline',
  'first_seen_at',
  'last_seen_at',
  'last_health_at',
  'last_health_id',
] as const satisfies readonly (keyof BladeTable)[];

/** A blade as ingest reads and the cache holds it: its inventory is neither read nor rewritten. */
export type LiveBlade = Pick<BladeTable, (typeof LIVE_COLUMNS)[number]> &
  Pick<BladeTable, 'declared_environment'>;

/**
 * What every message from a blade moves and nothing else: a row whose only change is these may
 * be left unwritten for a while (see `mayDefer`).
 */
export const HEARD_COLUMNS = [
  'last_seen_at',
  'last_health_at',
  'last_health_id',
  'silent_deadline',
] as const satisfies readonly (keyof LiveBlade)[];

/** The columns compared to tell a change of what was heard from any other change. */
const OTHER_COLUMNS = [
  ...LIVE_COLUMNS.filter((c) => !(HEARD_COLUMNS as readonly string[]).includes(c)),
  'declared_environment',
] as const;

/** A blade committed with what was heard of it left out of its row. */
export interface Unwritten {
  blade: LiveBlade;
  /** The snapshot its row names (`last_health_id` as stored). */
  storedHead: number | null;
}

/** What a committed batch wrote of the fleet, and what it left unwritten. */
export interface BatchWrites {
  /** Each blade of the batch as committed. */
  blades: readonly LiveBlade[];
  /** Of those, the ones whose rows were left unwritten. */
  deferred: ReadonlyMap<string, Unwritten>;
  /** Blades left unwritten before whose heard columns the batch wrote (they were due). */
  flushed: readonly Unwritten[];
  /** The latest receive time of the batch (ms): when its rows count as written. */
  atMs: number;
  /** Sites and frames (`site/frame`) whose rows the batch wrote. */
  sites: readonly string[];
  frames: readonly string[];
}

/** Beyond this many blades the cache starts again, so a churning fleet cannot grow it forever. */
const MAX_BLADES = 100_000;

/**
 * The blades as the last committed ingest batches wrote them, so a batch reads from the store
 * only blades it has not seen: reading some 200 rows back for every batch was a sixth of ingest's
 * time in the store. Sound only where this process is the blades' one writer (a SQLite file);
 * any other writer in the process (liveness) calls `invalidate` inside its transaction.
 *
 * A batch takes the `epoch` when it starts and hands its blades to `committed` after its commit;
 * if anything was invalidated meanwhile, they are not kept, for they may predate that write.
 *
 * It also keeps the blades committed with what was heard of them left unwritten (a blade heard
 * from again within the write interval of its row): those are newer than their rows until the
 * next write, whatever is invalidated meanwhile, and a row read back is overlaid with them.
 */
export class BladeCache {
  private blades = new Map<string, LiveBlade>();
  /** When (receive time, ms) each blade's heard columns were last written. */
  private writtenAt = new Map<string, number>();
  private unwritten = new Map<string, Unwritten>();
  /**
   * The unwritten blades by when their rows were last written: a batch's receive time, so a few
   * hundred groups however many blades, and `due` looks at groups rather than at every blade.
   */
  private unwrittenSince = new Map<number, Set<string>>();
  /** Unwritten blades whose rows' write times were forgotten (`invalidate`): due at once. */
  private unwrittenUntimed = new Set<string>();
  /** Sites known to be stored, and when (receive time, ms) each frame's row was last written. */
  private sites = new Set<string>();
  private framesWrittenAt = new Map<string, number>();
  private generation = 0;

  epoch(): number {
    return this.generation;
  }

  /** The blade as last committed (never to be changed in place), or undefined: read the store. */
  get(bladeId: string): LiveBlade | undefined {
    return this.blades.get(bladeId);
  }

  /** A blade's row as read from the store, with what was heard of it since it was written. */
  overlay(row: LiveBlade): LiveBlade {
    const newer = this.unwritten.get(row.blade_id)?.blade;
    if (!newer) return row;
    const out = { ...row };
    for (const c of HEARD_COLUMNS) (out as Record<string, unknown>)[c] = newer[c];
    return out;
  }

  /**
   * Whether `after` may be committed without writing its row: it differs from `before` (as the
   * batch found it) only in what was heard, its row was written less than `intervalMs` before
   * `atMs`, it names a stored snapshot already (a row that names none is written, so a repair
   * after a crash always has a head to start from), and it falls silent only more than four
   * intervals from now (a row at most twice the interval behind can then never look silent).
   */
  mayDefer(
    before: LiveBlade,
    after: LiveBlade,
    atMs: number,
    intervalMs: number,
    silentAfterIntervals: number,
  ): boolean {
    if (intervalMs <= 0) return false;
    if (after.heartbeat_s * 1000 * silentAfterIntervals <= 4 * intervalMs) return false;
    const at = this.writtenAt.get(after.blade_id);
    if (at === undefined || atMs - at >= intervalMs) return false;
    if (this.storedHead(before) === null && after.last_health_id !== null) return false;
    for (const c of OTHER_COLUMNS) if (before[c] !== after[c]) return false;
    return true;
  }

  /** The snapshot `blade`'s row names in the store, `blade` being its latest committed state. */
  storedHead(blade: LiveBlade): number | null {
    const unwritten = this.unwritten.get(blade.blade_id);
    return unwritten ? unwritten.storedHead : blade.last_health_id;
  }

  /** Unwritten blades whose rows are due (written `intervalMs` before `atMs` or longer ago). */
  due(atMs: number, intervalMs: number): Unwritten[] {
    const out: Unwritten[] = [];
    for (const id of this.unwrittenUntimed) out.push(this.unwritten.get(id)!);
    for (const [at, ids] of this.unwrittenSince) {
      if (atMs - at >= intervalMs) for (const id of ids) out.push(this.unwritten.get(id)!);
    }
    return out;
  }

  /** Every unwritten blade. */
  pending(): Unwritten[] {
    return [...this.unwritten.values()];
  }

  /** Whether any blade is left unwritten. */
  hasPending(): boolean {
    return this.unwritten.size > 0;
  }

  /**
   * The lowest snapshot id whose blade's row may not name it yet once `batch` commits (what it
   * left unwritten, and what earlier batches did that it neither touched nor wrote); null when
   * every row will name its latest.
   */
  unwrittenFrom(batch: BatchWrites): number | null {
    let from: number | null = null;
    const consider = ({ blade, storedHead }: Unwritten) => {
      if (blade.last_health_id === storedHead || storedHead === null) return;
      if (from === null || storedHead + 1 < from) from = storedHead + 1;
    };
    const settled = new Set(batch.blades.map((b) => b.blade_id));
    for (const { blade } of batch.flushed) settled.add(blade.blade_id);
    for (const [id, entry] of this.unwritten) if (!settled.has(id)) consider(entry);
    for (const entry of batch.deferred.values()) consider(entry);
    return from;
  }

  /**
   * After a commit: the batch's blades as it left them. With `writes`, what it wrote and left
   * unwritten (of its blades, the ones not deferred were written at `atMs`).
   */
  committed(
    epoch: number,
    blades: Iterable<LiveBlade>,
    writes?: Omit<BatchWrites, 'blades'>,
  ): void {
    if (writes) {
      if (epoch === this.generation) this.placesWritten(writes.sites, writes.frames, writes.atMs);
      for (const blade of blades) {
        const unwritten = writes.deferred.get(blade.blade_id);
        if (unwritten) this.leftUnwritten(blade.blade_id, unwritten);
        else this.written(blade.blade_id, writes.atMs);
      }
      this.flushed(writes.flushed);
    }
    if (epoch !== this.generation) return;
    for (const blade of blades) this.blades.set(blade.blade_id, blade);
    if (this.blades.size > MAX_BLADES) this.invalidate();
  }

  /** Whether a site's row is known to be stored (its insert would do nothing). */
  hasSite(siteId: string): boolean {
    return this.sites.has(siteId);
  }

  /** Whether a frame's row was written less than `intervalMs` before `atMs` (its last seen). */
  frameFresh(key: string, atMs: number, intervalMs: number): boolean {
    const at = this.framesWrittenAt.get(key);
    return at !== undefined && atMs - at < intervalMs;
  }

  private placesWritten(sites: Iterable<string>, frames: Iterable<string>, atMs: number): void {
    for (const site of sites) this.sites.add(site);
    for (const frame of frames) this.framesWrittenAt.set(frame, atMs);
  }

  /** Unwritten blades whose heard columns were written (unless heard from since). */
  flushed(entries: readonly Unwritten[]): void {
    for (const entry of entries) {
      const id = entry.blade.blade_id;
      if (this.unwritten.get(id) !== entry) continue;
      this.written(id, Date.parse(entry.blade.last_seen_at));
    }
  }

  /** A blade committed with its heard columns left out of its row. */
  private leftUnwritten(id: string, entry: Unwritten): void {
    if (!this.unwritten.has(id)) {
      const at = this.writtenAt.get(id);
      if (at === undefined) this.unwrittenUntimed.add(id);
      else {
        let ids = this.unwrittenSince.get(at);
        if (!ids) this.unwrittenSince.set(at, (ids = new Set()));
        ids.add(id);
      }
    }
    this.unwritten.set(id, entry);
  }

  /** A blade's row written whole, its heard columns as of `atMs` (receive time, ms). */
  private written(id: string, atMs: number): void {
    if (this.unwritten.delete(id) && !this.unwrittenUntimed.delete(id)) {
      const at = this.writtenAt.get(id)!;
      const ids = this.unwrittenSince.get(at);
      ids?.delete(id);
      if (ids?.size === 0) this.unwrittenSince.delete(at);
    }
    this.writtenAt.set(id, atMs);
  }

  /**
   * Blades were written elsewhere, or a batch rolled back: forget them all. What was heard and
   * not written stays (it is committed), and with no write times known every row is written whole
   * the next time its blade is heard from.
   */
  invalidate(): void {
    this.generation++;
    this.blades.clear();
    for (const ids of this.unwrittenSince.values())
      for (const id of ids) this.unwrittenUntimed.add(id);
    this.unwrittenSince.clear();
    this.writtenAt.clear();
    this.sites.clear();
    this.framesWrittenAt.clear();
  }

  get size(): number {
    return this.blades.size;
  }
}
