import type { Kysely } from 'kysely';
import { appendActivity, type ActivityInput } from '../activity/activity-log.js';
import type { Environment } from '../../shared/messages/birth.js';
import type { ValidMessage } from '../ingest/decode.js';
import { bulkInsert } from '../store/bulk-insert.js';
import { selectIn } from '../store/select-in.js';
import type { Database } from '../store/schema.js';
import {
  HEARD_COLUMNS,
  LIVE_COLUMNS,
  type BatchWrites,
  type BladeCache,
  type LiveBlade,
  type Unwritten,
} from './blade-cache.js';
import type { BladeTable } from './tables.js';
import { isoAt, isoOf } from '../../shared/iso-time.js';

export interface FleetApplySettings {
  silentAfterIntervals: number;
  defaultHeartbeatMs: number;
  /** The contract's word on a blade's environment, which beats the blade's own. */
  environmentFor?:
    ((siteId: string, frameId: string, bladeId: string) => Environment | undefined) | undefined;
  /** Blades as committed before (SQLite only: see blade-cache.ts); without it, all are read. */
  cache?: BladeCache | undefined;
  /**
   * With the cache: a blade heard from again within this long of its row's last write is
   * committed without writing the row when nothing but what was heard changed (0: every batch
   * writes every blade it touched). See DECISIONS, "Fleet liveness".
   */
  heardWriteMs?: number | undefined;
}

/** What the batch did to the fleet, for the cache once the batch commits (`BatchWrites`). */
export interface FleetApplyResult extends BatchWrites {
  /** Environment of each message's blade at the moment the message was applied, by index. */
  environments: Environment[];
  /** A blade changed liveness state or appeared: liveness should look again. */
  livenessChanged: boolean;
}

/** The inventory a birth brings: written only when a blade is born or first heard from. */
const INVENTORY_COLUMNS = [
  'hostname',
  'blade_type',
  'vendor',
  'serial',
  'firmware',
  'os',
  'kernel',
  'arch',
  'cpus',
  'memory_bytes',
  'agent_version',
  'software',
  'declared_environment',
  'birth_at',
] as const satisfies readonly (keyof BladeTable)[];

// A column of blades in neither list fails to compile here.
type Unlisted = Exclude<
  keyof BladeTable,
  (typeof INVENTORY_COLUMNS)[number] | (typeof LIVE_COLUMNS)[number]
>;
const everyColumnListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyColumnListed;

type Inventory = Pick<BladeTable, (typeof INVENTORY_COLUMNS)[number]>;

/** What the message's upsert rewrites of a known blade: its key, first sighting and place stay. */
const REWRITTEN = LIVE_COLUMNS.filter(
  (c) => c !== 'blade_id' && c !== 'first_seen_at' && c !== 'site_id' && c !== 'frame_id',
);
const LIVE_UPSERT =
  'on conflict ("blade_id") do update set ' +
  REWRITTEN.map((c) => `"${c}" = excluded."${c}"`).join(', ');
/** What a write of an unwritten blade's heard columns changes: nothing else of its row. */
const HEARD_UPSERT =
  'on conflict ("blade_id") do update set ' +
  HEARD_COLUMNS.map((c) => `"${c}" = excluded."${c}"`).join(', ');
const BLADE_COLUMNS = [...LIVE_COLUMNS, ...INVENTORY_COLUMNS] as const;
const BLADE_UPSERT =
  'on conflict ("blade_id") do update set ' +
  BLADE_COLUMNS.filter((c) => c !== 'blade_id' && c !== 'first_seen_at')
    .map((c) => `"${c}" = excluded."${c}"`)
    .join(', ');

const addMs = (at: Date, ms: number) => isoAt(at.getTime() + ms);

/**
 * The batch's blades as the store holds them, read once for the whole batch (from the cache where
 * it has them). Not the inventory: reading its JSON for every blade of every batch cost more than
 * the rest.
 */
export async function loadBlades(
  trx: Kysely<Database>,
  messages: readonly ValidMessage[],
  settings: Pick<FleetApplySettings, 'cache'>,
): Promise<Map<string, LiveBlade>> {
  const existing = new Map<string, LiveBlade>();
  const unknown: string[] = [];
  const seen = new Set<string>();
  for (const m of messages) {
    const id = m.message.bladeId;
    if (seen.has(id)) continue;
    seen.add(id);
    const cached = settings.cache?.get(id);
    if (cached) existing.set(id, cached);
    else unknown.push(id);
  }
  const rows =
    unknown.length === 0
      ? []
      : await selectIn<LiveBlade>(trx, {
          table: 'blades',
          columns: [...LIVE_COLUMNS, 'declared_environment'],
          key: 'blade_id',
          keys: unknown,
        });
  for (const row of rows) {
    const blade = {
      ...row,
      heartbeat_s: Number(row.heartbeat_s),
      last_health_id: row.last_health_id === null ? null : Number(row.last_health_id),
    };
    // What was heard and not written yet is newer than the row (after an invalidation).
    existing.set(row.blade_id, settings.cache ? settings.cache.overlay(blade) : blade);
  }
  return existing;
}

/**
 * Applies a batch of new (deduplicated) messages to the registry in the caller's transaction:
 * each blade (as `loadBlades` read it) is changed in memory message by message in arrival order,
 * and written once. Any message from a blade except its will or a clean shutdown is proof of life.
 */
export async function applyFleetMessages(
  trx: Kysely<Database>,
  messages: readonly ValidMessage[],
  settings: FleetApplySettings,
  /** The batch's blades before it, from `loadBlades`; left as they were. */
  existing: ReadonlyMap<string, LiveBlade>,
  /** Each health message's stored snapshot id, in the order of `messages` (health-snapshots.ts). */
  snapshotIds?: readonly (number | undefined)[],
): Promise<FleetApplyResult> {
  const environments: Environment[] = [];
  if (messages.length === 0) {
    return {
      environments,
      livenessChanged: false,
      blades: [],
      deferred: new Map(),
      flushed: [],
      atMs: 0,
      sites: [],
      frames: [],
    };
  }

  const touched = new Map<string, LiveBlade>();
  /** Blades whose whole row is written: new ones, and those born in this batch. */
  const inventories = new Map<string, Inventory>();
  const frames = new Map<string, { site: string; frame: string; at: string }>();
  let livenessChanged = false;
  let atMs = 0;

  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    atMs = Math.max(atMs, m.receivedAt.getTime());
    const at = isoOf(m.receivedAt);
    const { site, frame, blade: bladeId } = m.address;
    frames.set(`${site}/${frame}`, { site, frame, at });
    const mine = touched.get(bladeId);
    const known = mine ?? existing.get(bladeId);
    if (!known) livenessChanged = true;
    // Copied once per batch: `existing` keeps the state the batch started from.
    const blade: LiveBlade =
      mine ?? (known ? { ...known } : newBlade(bladeId, site, frame, at, settings));
    if (!known) inventories.set(bladeId, noInventory());
    blade.site_id = site;
    blade.frame_id = frame;
    blade.last_seen_at = at;

    switch (m.kind) {
      case 'birth': {
        const inv = m.message.inventory;
        inventories.set(bladeId, {
          hostname: inv.hostname,
          blade_type: inv.bladeType,
          vendor: inv.vendor,
          serial: inv.serial,
          firmware: JSON.stringify(inv.firmware),
          os: JSON.stringify(inv.os),
          kernel: inv.kernel,
          arch: inv.arch,
          cpus: inv.cpus,
          memory_bytes: inv.memoryBytes,
          agent_version: inv.agentVersion,
          software: JSON.stringify(inv.software),
          declared_environment: inv.environment,
          birth_at: at,
        });
        blade.declared_environment = inv.environment;
        blade.boot_id = m.message.bootId;
        blade.heartbeat_s = m.message.heartbeatIntervalS;
        if (cameOnline(blade, at, m.receivedAt, settings)) livenessChanged = true;
        blade.silent_deadline = silentDeadline(blade, m.receivedAt, settings);
        break;
      }
      case 'state': {
        const { state, cause } = m.message;
        if (state === 'online') {
          blade.boot_id = m.message.bootId;
          if (cameOnline(blade, at, m.receivedAt, settings)) livenessChanged = true;
          blade.silent_deadline = silentDeadline(blade, m.receivedAt, settings);
        } else if (cause === 'shutdown') {
          // A clean stop is no fault; any fault still raised is cleared by liveness.
          if (blade.state !== 'stopped') livenessChanged = true;
          blade.state = 'stopped';
          blade.state_since = at;
          blade.pending_since = null;
          blade.silent_deadline = null;
        } else if (blade.state === 'online' || blade.state === 'silent') {
          // The broker's last will: the blade vanished. Dated by its receive time (its own
          // observedAt is the connect time at which the will was registered).
          blade.state = 'offline';
          blade.state_since = at;
          blade.silent_deadline = null;
          if (blade.fault === null) blade.pending_since = at;
          livenessChanged = true;
        }
        break;
      }
      case 'health': {
        blade.heartbeat_s = m.message.intervalS;
        // The snapshot itself was stored as the message's identity (see health-snapshots.ts).
        blade.last_health_at = at;
        blade.last_health_id = snapshotIds?.[i] ?? blade.last_health_id;
        if (cameOnline(blade, at, m.receivedAt, settings)) livenessChanged = true;
        blade.silent_deadline = silentDeadline(blade, m.receivedAt, settings);
        break;
      }
      case 'event':
        if (cameOnline(blade, at, m.receivedAt, settings)) livenessChanged = true;
        break;
    }
    blade.environment =
      settings.environmentFor?.(site, frame, bladeId) ??
      (blade.declared_environment as Environment | null) ??
      'production';
    environments.push(blade.environment);
    touched.set(bladeId, blade);
  }

  // One statement each for the batch's sites and frames, not two per frame; with the cache, only
  // sites not stored yet, and frames not written within the interval (their last seen).
  const { cache, heardWriteMs = 0 } = settings;
  const places = [...frames.entries()]
    .filter(([key]) => !cache?.frameFresh(key, atMs, heardWriteMs))
    .map(([, place]) => place);
  const newSites = [...new Map(places.map((p) => [p.site, p])).values()].filter(
    (p) => !cache?.hasSite(p.site),
  );
  await bulkInsert(trx, {
    table: 'sites',
    columns: ['site_id', 'in_contract', 'first_seen_at', 'updated_at'],
    rows: newSites.map(({ site, at }) => [site, 0, at, at]),
    suffix: 'on conflict ("site_id") do nothing',
  });
  await bulkInsert(trx, {
    table: 'frames',
    columns: ['site_id', 'frame_id', 'state', 'state_since', 'first_seen_at', 'last_seen_at'],
    rows: places.map(({ site, frame, at }) => [site, frame, 'ok', at, at, at]),
    suffix:
      'on conflict ("site_id", "frame_id") do update set "last_seen_at" = excluded."last_seen_at"',
  });
  const changes: ActivityInput[] = [];
  for (const blade of touched.values()) {
    const previous = existing.get(blade.blade_id)?.state ?? null;
    if (blade.state === previous) continue;
    changes.push({
      type: 'blade.state',
      at: blade.state_since,
      data: {
        bladeId: blade.blade_id,
        siteId: blade.site_id,
        frameId: blade.frame_id,
        state: blade.state,
        previous,
        since: blade.state_since,
      },
    });
  }
  // The live stream's record of state changes commits with them.
  await appendActivity(trx, changes);
  // Every blade of the batch in one upsert (a statement per blade was most of ingest's time):
  // the whole row of those born or new, the liveness of the rest.
  const whole: unknown[][] = [];
  const live: unknown[][] = [];
  const deferred = new Map<string, Unwritten>();
  for (const blade of touched.values()) {
    const inventory = inventories.get(blade.blade_id);
    const before = existing.get(blade.blade_id);
    if (inventory) {
      const row: BladeTable = { ...blade, ...inventory };
      whole.push(BLADE_COLUMNS.map((c) => row[c]));
    } else if (
      before &&
      cache?.mayDefer(before, blade, atMs, heardWriteMs, settings.silentAfterIntervals)
    ) {
      deferred.set(blade.blade_id, { blade, storedHead: cache.storedHead(before) });
    } else live.push(LIVE_COLUMNS.map((c) => blade[c]));
  }
  // Blades left unwritten by earlier batches and not heard from in this one, once due.
  const flushed =
    cache && heardWriteMs > 0
      ? cache.due(atMs, heardWriteMs).filter((u) => !touched.has(u.blade.blade_id))
      : [];
  await writeHeard(trx, flushed);
  await bulkInsert(trx, {
    table: 'blades',
    columns: BLADE_COLUMNS,
    rows: whole,
    suffix: BLADE_UPSERT,
  });
  await bulkInsert(trx, {
    table: 'blades',
    columns: LIVE_COLUMNS,
    rows: live,
    suffix: LIVE_UPSERT,
  });
  // A blade that moved (rare): its place, which the liveness upsert leaves as it was.
  for (const blade of touched.values()) {
    const before = existing.get(blade.blade_id);
    if (!before || inventories.has(blade.blade_id)) continue;
    if (before.site_id === blade.site_id && before.frame_id === blade.frame_id) continue;
    await trx
      .updateTable('blades')
      .set({ site_id: blade.site_id, frame_id: blade.frame_id })
      .where('blade_id', '=', blade.blade_id)
      .execute();
  }
  return {
    environments,
    livenessChanged,
    blades: [...touched.values()],
    deferred,
    flushed,
    atMs,
    sites: newSites.map((p) => p.site),
    frames: places.map((p) => `${p.site}/${p.frame}`),
  };
}

/**
 * Writes the heard columns of blades left unwritten (a quiet spell after a busy one, or the
 * collector stopping), in the caller's transaction.
 */
export async function writeHeard(
  trx: Kysely<Database>,
  entries: readonly Unwritten[],
): Promise<void> {
  await bulkInsert(trx, {
    table: 'blades',
    columns: LIVE_COLUMNS,
    rows: entries.map(({ blade }) => LIVE_COLUMNS.map((c) => blade[c])),
    suffix: HEARD_UPSERT,
  });
}

/** When a blade heard from at `receivedAt` becomes silent if nothing more arrives. */
function silentDeadline(blade: LiveBlade, receivedAt: Date, settings: FleetApplySettings): string {
  return addMs(receivedAt, blade.heartbeat_s * 1000 * settings.silentAfterIntervals);
}

/** Marks a blade online (proof of life); whether it was not before. */
function cameOnline(
  blade: LiveBlade,
  at: string,
  receivedAt: Date,
  settings: FleetApplySettings,
): boolean {
  if (blade.state === 'online') return false;
  blade.state = 'online';
  blade.state_since = at;
  blade.pending_since = null;
  blade.silent_deadline = silentDeadline(blade, receivedAt, settings);
  return true;
}

function newBlade(
  bladeId: string,
  site: string,
  frame: string,
  at: string,
  settings: FleetApplySettings,
): LiveBlade {
  return {
    blade_id: bladeId,
    site_id: site,
    frame_id: frame,
    declared_environment: null,
    environment: settings.environmentFor?.(site, frame, bladeId) ?? 'production',
    boot_id: null,
    heartbeat_s: settings.defaultHeartbeatMs / 1000,
    // A blade first heard from through its will is registered as offline by the caller's rules.
    state: 'online',
    state_since: at,
    pending_since: null,
    fault: null,
    silent_deadline: new Date(
      Date.parse(at) + settings.defaultHeartbeatMs * settings.silentAfterIntervals,
    ).toISOString(),
    first_seen_at: at,
    last_seen_at: at,
    last_health_at: null,
    last_health_id: null,
  };
}

function noInventory(): Inventory {
  return {
    hostname: null,
    blade_type: null,
    vendor: null,
    serial: null,
    firmware: null,
    os: null,
    kernel: null,
    arch: null,
    cpus: null,
    memory_bytes: null,
    agent_version: null,
    software: null,
    declared_environment: null,
    birth_at: null,
  };
}
