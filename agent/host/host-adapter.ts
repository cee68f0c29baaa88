/**
 * Facts that do not live under the sysfs/procfs roots: the OS release, disks and their SMART
 * health, systemd's failed units, file-system usage. The live adapter gets them from
 * systeminformation, systemctl and statfs (the spawning ones only rarely: at birth and on slow
 * schedules); tests and `collect --facts FILE` replace it.
 */
export interface OsRelease {
  distro: string | null;
  release: string | null;
}

export interface SmartAttribute {
  id: number;
  name: string;
  value: number;
  worst: number;
  thresh: number;
  /** smartctl's `when_failed`: '' (never), 'past' or 'now'. */
  whenFailed: string;
  prefailure: boolean;
  raw: number;
}

export interface DiskHealth {
  device: string;
  model: string | null;
  serial: string | null;
  /** `failing` when the drive's overall self-assessment failed. */
  smart: 'ok' | 'failing' | 'unknown';
  attributes: SmartAttribute[];
}

export interface FailedUnit {
  unit: string;
  load: string;
  active: string;
  sub: string;
}

export interface FsUsage {
  sizeBytes: number;
  freeBytes: number;
  availBytes: number;
}

/** Fallbacks for DMI facts when sysfs does not give them (e.g. a root-only serial). */
export interface SystemFacts {
  manufacturer: string | null;
  model: string | null;
  serial: string | null;
  biosVersion: string | null;
  biosDate: string | null;
}

export interface HostAdapter {
  osRelease(): Promise<OsRelease>;
  system(): Promise<SystemFacts>;
  disks(): Promise<DiskHealth[]>;
  /** `null` when there is no systemd here (not an error). */
  failedUnits(): Promise<FailedUnit[] | null>;
  /** `null` when the mount point cannot be examined. */
  statfs(mount: string): Promise<FsUsage | null>;
}
