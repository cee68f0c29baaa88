import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import { isPostgres } from '../store/dialect.js';
import type { Database } from '../store/schema.js';
import { minuteOf } from './health-snapshots.js';
import type { BladeState, BladeTable } from './tables.js';

/** A blade as the API shows it. */
export interface BladeView {
  bladeId: string;
  siteId: string;
  frameId: string;
  hostname: string | null;
  bladeType: string | null;
  vendor: string | null;
  serial: string | null;
  firmware: unknown;
  os: unknown;
  kernel: string | null;
  arch: string | null;
  cpus: number | null;
  memoryBytes: number | null;
  agentVersion: string | null;
  software: unknown;
  environment: 'production' | 'qa';
  declaredEnvironment: string | null;
  bootId: string | null;
  heartbeatS: number;
  state: BladeState;
  stateSince: string;
  /** The liveness fault raised for it, if any (its own, or its frame's). */
  fault: string | null;
  silentAt: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  lastHealthAt: string | null;
  lastHealth: unknown;
}

const parse = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

/** A blade row with its latest health snapshot (JSON), as `withLastHealth` selects it. */
export type BladeWithHealth = BladeTable & { last_health: string | null };

/** The blade's latest health snapshot, named by its row. */
function lastHealth(eb: ExpressionBuilder<Database, 'blades'>) {
  return eb
    .selectFrom('health_snapshots as h')
    .select('h.snapshot')
    .whereRef('h.id', '=', 'blades.last_health_id')
    .as('last_health');
}

export function toBladeView(row: BladeWithHealth): BladeView {
  return {
    bladeId: row.blade_id,
    siteId: row.site_id,
    frameId: row.frame_id,
    hostname: row.hostname,
    bladeType: row.blade_type,
    vendor: row.vendor,
    serial: row.serial,
    firmware: parse(row.firmware),
    os: parse(row.os),
    kernel: row.kernel,
    arch: row.arch,
    cpus: row.cpus === null ? null : Number(row.cpus),
    memoryBytes: row.memory_bytes === null ? null : Number(row.memory_bytes),
    agentVersion: row.agent_version,
    software: parse(row.software),
    environment: row.environment,
    declaredEnvironment: row.declared_environment,
    bootId: row.boot_id,
    heartbeatS: Number(row.heartbeat_s),
    state: row.state,
    stateSince: row.state_since,
    fault: row.fault,
    silentAt: row.silent_deadline,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    lastHealthAt: row.last_health_at,
    lastHealth: parse(row.last_health),
  };
}

export interface BladeFilter {
  site?: string | undefined;
  frame?: string | undefined;
  state?: BladeState | undefined;
  environment?: 'production' | 'qa' | undefined;
}

export async function listBlades(
  db: Kysely<Database>,
  filter: BladeFilter = {},
): Promise<BladeView[]> {
  let q = db
    .selectFrom('blades')
    .selectAll('blades')
    .select(lastHealth)
    .orderBy('site_id')
    .orderBy('frame_id')
    .orderBy('blade_id');
  if (filter.site) q = q.where('site_id', '=', filter.site);
  if (filter.frame) q = q.where('frame_id', '=', filter.frame);
  if (filter.state) q = q.where('state', '=', filter.state);
  if (filter.environment) q = q.where('environment', '=', filter.environment);
  return (await q.execute()).map(toBladeView);
}

export async function getBlade(
  db: Kysely<Database>,
  bladeId: string,
): Promise<BladeView | undefined> {
  const row = await db
    .selectFrom('blades')
    .selectAll('blades')
    .select(lastHealth)
    .where('blade_id', '=', bladeId)
    .executeTakeFirst();
  return row ? toBladeView(row) : undefined;
}

export interface HealthPoint {
  observedAt: string;
  receivedAt: string;
  snapshot: unknown;
}

/** Up to this many minutes, a blade's history is read a seek per minute; past it, by a scan. */
const SEEK_MINUTES = 7 * 24 * 60;
/** Minutes named in one query (bound parameters). */
const MINUTES_A_QUERY = 500;

interface HealthRow {
  observed_at: string;
  received_at: string;
  snapshot: string;
}

/**
 * A blade's health snapshots received since a time (through the minute of `until`, default now),
 * oldest first (the 24-hour view). On SQLite they are walked back from the blade's latest through
 * each one's `prev_id`; on PostgreSQL, found by the index that leads with the minute of receipt
 * (see migration 0130 for why the two differ).
 */
export async function healthHistory(
  db: Kysely<Database>,
  bladeId: string,
  since: Date,
  until: Date = new Date(),
): Promise<HealthPoint[]> {
  const rows = isPostgres(db)
    ? await historyByMinute(db, bladeId, since, until)
    : await historyByChain(db, bladeId, since, until);
  return rows.map((r) => ({
    observedAt: r.observed_at,
    receivedAt: r.received_at,
    snapshot: JSON.parse(r.snapshot),
  }));
}

/** Back from the blade's latest snapshot, one step a snapshot, to the first received before `since`. */
async function historyByChain(
  db: Kysely<Database>,
  bladeId: string,
  since: Date,
  until: Date,
): Promise<HealthRow[]> {
  const from = since.toISOString();
  const through = new Date((minuteOf(until) + 1) * 60_000).toISOString();
  const { rows } = await sql<HealthRow>`
    with recursive chain(id) as (
      select last_health_id from blades where blade_id = ${bladeId}
      union all
      select h.prev_id from health_snapshots h join chain on h.id = chain.id
      where h.received_at >= ${from}
    )
    select h.observed_at, h.received_at, h.snapshot
    from health_snapshots h join chain on h.id = chain.id
    where h.received_at >= ${from} and h.received_at < ${through}
    order by h.received_at, h.id
  `.execute(db);
  return rows;
}

/** A seek per minute of the window to the blade's entries (a scan from its first past a week). */
async function historyByMinute(
  db: Kysely<Database>,
  bladeId: string,
  since: Date,
  until: Date,
): Promise<HealthRow[]> {
  const first = minuteOf(since);
  const last = minuteOf(until);
  const query = () =>
    db
      .selectFrom('health_snapshots')
      .select(['observed_at', 'received_at', 'snapshot'])
      .where('blade_id', '=', bladeId)
      .where('received_at', '>=', since.toISOString())
      .orderBy('received_at')
      .orderBy('id');
  if (last - first > SEEK_MINUTES) return query().where('received_minute', '>=', first).execute();
  // Minutes ascend from query to query, so the rows come oldest first.
  const rows: HealthRow[] = [];
  for (let from = first; from <= last; from += MINUTES_A_QUERY) {
    const minutes = Array.from(
      { length: Math.min(MINUTES_A_QUERY, last - from + 1) },
      (_, i) => from + i,
    );
    rows.push(...(await query().where('received_minute', 'in', minutes).execute()));
  }
  return rows;
}

export interface SiteView {
  siteId: string;
  name: string | null;
  address: unknown;
  contacts: unknown;
  inContract: boolean;
  frames: { frameId: string; state: 'ok' | 'silent'; stateSince: string; blades: number }[];
}

export async function listSites(db: Kysely<Database>): Promise<SiteView[]> {
  const sites = await db.selectFrom('sites').selectAll().orderBy('site_id').execute();
  const frames = await db.selectFrom('frames').selectAll().orderBy('frame_id').execute();
  const counts = await db
    .selectFrom('blades')
    .select(['site_id', 'frame_id', (eb) => eb.fn.countAll<number | string>().as('n')])
    .groupBy(['site_id', 'frame_id'])
    .execute();
  const count = new Map(counts.map((c) => [`${c.site_id}/${c.frame_id}`, Number(c.n)]));
  return sites.map((s) => ({
    siteId: s.site_id,
    name: s.name,
    address: parse(s.address),
    contacts: parse(s.contacts),
    inContract: Number(s.in_contract) === 1,
    frames: frames
      .filter((f) => f.site_id === s.site_id)
      .map((f) => ({
        frameId: f.frame_id,
        state: f.state,
        stateSince: f.state_since,
        blades: count.get(`${f.site_id}/${f.frame_id}`) ?? 0,
      })),
  }));
}

/** A site as the contract names it: a data center's physical address and its contacts. */
export interface ContractSite {
  id: string;
  name?: string | undefined;
  address?: unknown;
  contacts?: unknown;
}

/** Brings the registry's sites in line with the contract (sites first seen in topics stay). */
export async function syncSites(
  db: Kysely<Database>,
  sites: readonly ContractSite[],
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('sites').set({ in_contract: 0 }).execute();
    for (const site of sites) {
      const values = {
        name: site.name ?? null,
        address: site.address === undefined ? null : JSON.stringify(site.address),
        contacts: site.contacts === undefined ? null : JSON.stringify(site.contacts),
        in_contract: 1,
        updated_at: at,
      };
      await trx
        .insertInto('sites')
        .values({ site_id: site.id, first_seen_at: at, ...values })
        .onConflict((oc) => oc.column('site_id').doUpdateSet(values))
        .execute();
    }
  });
}

/**
 * Drops health snapshots received before a time, but for each blade's latest (what the blade's
 * view shows, however long ago it was); returns how many. Snapshots are stored in the order they
 * arrive, so the old ones are those before the first recent one by id: found by walking from the
 * oldest, over just the rows to drop (no index on the receive time to keep up with every insert).
 */
export async function pruneHealthSnapshots(db: Kysely<Database>, before: Date): Promise<number> {
  const cutoff = before.toISOString();
  const firstKept = await db
    .selectFrom('health_snapshots')
    .select('id')
    .where('received_at', '>=', cutoff)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  const result = await db
    .deleteFrom('health_snapshots')
    .$if(firstKept !== undefined, (q) => q.where('id', '<', Number(firstKept!.id)))
    .where('received_at', '<', cutoff)
    .where(
      sql<boolean>`id not in (select b.last_health_id from blades b where b.last_health_id is not null)`,
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
