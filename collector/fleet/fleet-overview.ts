import type { Kysely } from 'kysely';
import type { HealthMessage } from '../../shared/messages/health.js';
import type { Database } from '../store/schema.js';
import type { BladeState } from './tables.js';

/** Ticket states in which a fault still stands (not yet fixed). */
const FAULT_STATES = ['open', 'responded', 'on-site', 'diagnosed', 'replacement-dispatched'];

export interface FrameBlade {
  bladeId: string;
  hostname: string | null;
  state: BladeState;
  stateSince: string;
  environment: string;
  fault: string | null;
  lastSeenAt: string;
  /** Tickets of this blade whose fault still stands (test calls aside). */
  openTickets: number;
  /** The most severe of them (1 is the most severe); null when none. */
  worstSeverity: number | null;
}

export interface FrameView {
  siteId: string;
  frameId: string;
  state: 'ok' | 'silent';
  stateSince: string;
  lastSeenAt: string;
  /** Frame-level tickets (a frame silent, a storm) whose fault still stands. */
  openTickets: number;
  worstSeverity: number | null;
  blades: FrameBlade[];
}

/** The fleet as frames × blades, each blade with its worst standing fault: the dashboard's grid. */
export async function listFrames(
  db: Kysely<Database>,
  filter: { site?: string | undefined } = {},
): Promise<FrameView[]> {
  const frames = await db
    .selectFrom('frames')
    .selectAll()
    .$if(filter.site !== undefined, (q) => q.where('site_id', '=', filter.site!))
    .orderBy('site_id')
    .orderBy('frame_id')
    .execute();
  const blades = await db
    .selectFrom('blades')
    .select([
      'blade_id',
      'site_id',
      'frame_id',
      'hostname',
      'state',
      'state_since',
      'environment',
      'fault',
      'last_seen_at',
    ])
    .$if(filter.site !== undefined, (q) => q.where('site_id', '=', filter.site!))
    .orderBy('blade_id')
    .execute();
  const faults = await db
    .selectFrom('tickets')
    .select([
      'site_id',
      'frame_id',
      'blade_id',
      (eb) => eb.fn.countAll<number | string>().as('n'),
      (eb) => eb.fn.min('severity').as('worst'),
    ])
    .where('state', 'in', FAULT_STATES)
    .where('test', '=', 0)
    .$if(filter.site !== undefined, (q) => q.where('site_id', '=', filter.site!))
    .groupBy(['site_id', 'frame_id', 'blade_id'])
    .execute();
  const key = (site: string, frame: string | null, blade: string | null) =>
    `${site}/${frame ?? ''}/${blade ?? ''}`;
  const faultOf = new Map(
    faults.map((f) => [
      key(f.site_id, f.frame_id, f.blade_id),
      { n: Number(f.n), worst: f.worst === null ? null : Number(f.worst) },
    ]),
  );
  return frames.map((frame) => {
    const own = faultOf.get(key(frame.site_id, frame.frame_id, null));
    return {
      siteId: frame.site_id,
      frameId: frame.frame_id,
      state: frame.state,
      stateSince: frame.state_since,
      lastSeenAt: frame.last_seen_at,
      openTickets: own?.n ?? 0,
      worstSeverity: own?.worst ?? null,
      blades: blades
        .filter((b) => b.site_id === frame.site_id && b.frame_id === frame.frame_id)
        .map((b) => {
          const f = faultOf.get(key(b.site_id, b.frame_id, b.blade_id));
          return {
            bladeId: b.blade_id,
            hostname: b.hostname,
            state: b.state,
            stateSince: b.state_since,
            environment: b.environment,
            fault: b.fault,
            lastSeenAt: b.last_seen_at,
            openTickets: f?.n ?? 0,
            worstSeverity: f?.worst ?? null,
          };
        }),
    };
  });
}

/** One health snapshot reduced to what a chart of the last day needs. */
export interface HealthSample {
  at: string;
  load1: number;
  cpuBusyPercent: number | null;
  memoryUsedPercent: number | null;
  maxTemperatureC: number | null;
  maxFilesystemUsedPercent: number | null;
  counters: HealthMessage['counters'];
}

export function healthSample(receivedAt: string, snapshot: HealthMessage): HealthSample {
  const memory = snapshot.memory;
  const temps = snapshot.temperatures.map((t) => t.celsius);
  const filesystems = snapshot.filesystems
    .filter((f) => f.sizeBytes > 0)
    .map((f) => (f.usedBytes / f.sizeBytes) * 100);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    at: receivedAt,
    load1: snapshot.load.one,
    cpuBusyPercent: snapshot.cpu.busyPercent,
    memoryUsedPercent:
      memory.totalBytes > 0
        ? round(((memory.totalBytes - memory.availableBytes) / memory.totalBytes) * 100)
        : null,
    maxTemperatureC: temps.length ? Math.max(...temps) : null,
    maxFilesystemUsedPercent: filesystems.length ? round(Math.max(...filesystems)) : null,
    counters: snapshot.counters,
  };
}
