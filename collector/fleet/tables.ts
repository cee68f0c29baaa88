import type { Generated } from 'kysely';

/** Sites are data centers (a physical address), from the contract or first seen in a topic. */
export interface SiteTable {
  site_id: string;
  name: string | null;
  /** JSON: the address as the contract gives it. */
  address: string | null;
  /** JSON array of contacts from the contract. */
  contacts: string | null;
  in_contract: number;
  first_seen_at: string;
  updated_at: string;
}

export interface FrameTable {
  site_id: string;
  frame_id: string;
  /** `silent` while a frame.silent fault is raised for the whole frame. */
  state: 'ok' | 'silent';
  state_since: string;
  first_seen_at: string;
  last_seen_at: string;
}

export type BladeState = 'online' | 'offline' | 'silent' | 'stopped';
export type BladeFault = 'blade.offline' | 'blade.silent' | 'frame.silent';

export interface BladeTable {
  blade_id: string;
  site_id: string;
  frame_id: string;
  hostname: string | null;
  blade_type: string | null;
  vendor: string | null;
  serial: string | null;
  /** JSON objects/arrays from the birth inventory. */
  firmware: string | null;
  os: string | null;
  kernel: string | null;
  arch: string | null;
  cpus: number | null;
  memory_bytes: number | null;
  agent_version: string | null;
  software: string | null;
  declared_environment: string | null;
  environment: 'production' | 'qa';
  boot_id: string | null;
  heartbeat_s: number;
  state: BladeState;
  /** When the current state began (collector time). */
  state_since: string;
  /** Down (offline or silent) and not yet reported: since when, for the frame correlation window. */
  pending_since: string | null;
  /** The liveness fault currently raised for this blade (its own, or its frame's). */
  fault: BladeFault | null;
  /** When an online blade becomes silent if no health arrives; null unless online. */
  silent_deadline: string | null;
  first_seen_at: string;
  last_seen_at: string;
  birth_at: string | null;
  /** When the last health snapshot was received, and its id in health_snapshots. */
  last_health_at: string | null;
  last_health_id: number | null;
}

export interface HealthSnapshotTable {
  id: Generated<number>;
  blade_id: string;
  /** The health message's identity (null on snapshots stored before it was kept). */
  boot_id: string | null;
  seq: number | null;
  observed_at: string;
  received_at: string;
  /** Minutes since the epoch at receipt: on PostgreSQL, a blade's snapshots are found by minute. */
  received_minute: number | null;
  /** The blade's snapshot before this one (on SQLite, its history is walked back through these). */
  prev_id: number | null;
  snapshot: string;
}

/** Marks the fleet keeps across restarts (see unwritten-heads.ts). */
export interface FleetMarkTable {
  name: string;
  value: number | string | null;
  updated_at: string;
}

export interface FleetTables {
  sites: SiteTable;
  frames: FrameTable;
  blades: BladeTable;
  health_snapshots: HealthSnapshotTable;
  fleet_marks: FleetMarkTable;
}
