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
 */
export class BladeCache {
  private blades = new Map<string, LiveBlade>();
  private generation = 0;

  epoch(): number {
    return this.generation;
  }

  /** The blade as last committed (never to be changed in place), or undefined: read the store. */
  get(bladeId: string): LiveBlade | undefined {
    return this.blades.get(bladeId);
  }

  committed(epoch: number, blades: Iterable<LiveBlade>): void {
    if (epoch !== this.generation) return;
    for (const blade of blades) this.blades.set(blade.blade_id, blade);
    if (this.blades.size > MAX_BLADES) this.invalidate();
  }

  /** Blades were written elsewhere, or a batch rolled back: forget them all. */
  invalidate(): void {
    this.generation++;
    this.blades.clear();
  }

  get size(): number {
    return this.blades.size;
  }
}
