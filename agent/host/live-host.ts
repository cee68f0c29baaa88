import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { promisify } from 'node:util';
import type * as SystemInformation from 'systeminformation';
import type {
  DiskHealth,
  FailedUnit,
  FsUsage,
  HostAdapter,
  OsRelease,
  SystemFacts,
} from './host-adapter.js';

const run = promisify(execFile);
const SLOW_CALL_MS = 120_000;

type Si = Pick<typeof SystemInformation, 'osInfo' | 'system' | 'bios' | 'diskLayout'>;
let si: Promise<Si> | undefined;
/**
 * Loaded on first use: most cycles never need it. Only the three parts of the library the agent
 * calls, not its index, which would load and keep resident every other part (CPU, network,
 * processes, graphics, Wi-Fi, Docker...).
 */
function systeminformation(): Promise<Si> {
  const part = (m: unknown): Partial<Si> => ((m as { default?: Si }).default ?? m) as Partial<Si>;
  si ??= Promise.all([
    import('systeminformation/lib/osinfo.js'),
    import('systeminformation/lib/system.js'),
    import('systeminformation/lib/filesystem.js'),
  ]).then(([os, system, fs]) => ({
    osInfo: part(os).osInfo!,
    system: part(system).system!,
    bios: part(system).bios!,
    diskLayout: part(fs).diskLayout!,
  }));
  return si;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000}s`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const orNull = (v: string | undefined | null): string | null => (v ? v : null);

/** The real host: systeminformation for OS, DMI fallbacks and SMART; systemctl; statfs. */
export const liveHost: HostAdapter = {
  async osRelease(): Promise<OsRelease> {
    const os = await withTimeout((await systeminformation()).osInfo(), SLOW_CALL_MS, 'osInfo');
    return { distro: orNull(os.distro), release: orNull(os.release) };
  },

  async system(): Promise<SystemFacts> {
    const lib = await systeminformation();
    const [system, bios] = await withTimeout(
      Promise.all([lib.system(), lib.bios()]),
      SLOW_CALL_MS,
      'system',
    );
    return {
      manufacturer: orNull(system.manufacturer),
      model: orNull(system.model),
      serial: orNull(system.serial),
      biosVersion: orNull(bios.version),
      biosDate: orNull(bios.releaseDate),
    };
  },

  async disks(): Promise<DiskHealth[]> {
    const layout = await withTimeout(
      (await systeminformation()).diskLayout(),
      SLOW_CALL_MS,
      'diskLayout',
    );
    return layout.map((d) => ({
      device: d.device,
      model: orNull(d.name),
      serial: orNull(d.serialNum?.trim()),
      smart: /^ok$/i.test(d.smartStatus)
        ? 'ok'
        : /predicted failure|fail/i.test(d.smartStatus)
          ? 'failing'
          : 'unknown',
      attributes: (d.smartData?.ata_smart_attributes?.table ?? []).map((a) => ({
        id: a.id,
        name: a.name,
        value: a.value,
        worst: a.worst,
        thresh: a.thresh,
        whenFailed: a.when_failed ?? '',
        prefailure: a.flags?.prefailure ?? false,
        raw: a.raw?.value ?? 0,
      })),
    }));
  },

  async failedUnits(): Promise<FailedUnit[] | null> {
    // sd_booted(): without this directory systemd is not the init system here.
    if (!existsSync('/run/systemd/system')) return null;
    try {
      const { stdout } = await run(
        'systemctl',
        ['list-units', '--state=failed', '--all', '--no-legend', '--plain', '--full', '--no-pager'],
        { timeout: 10_000 },
      );
      return parseFailedUnits(stdout);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      const detail = String((error as { stderr?: string }).stderr || error).trim();
      throw new Error(`systemctl: ${detail}`, { cause: error });
    }
  },

  async statfs(mount: string): Promise<FsUsage | null> {
    try {
      const s = await statfs(mount);
      return {
        sizeBytes: s.blocks * s.bsize,
        freeBytes: s.bfree * s.bsize,
        availBytes: s.bavail * s.bsize,
      };
    } catch {
      return null;
    }
  },
};

export function parseFailedUnits(stdout: string): FailedUnit[] {
  return stdout
    .split('\n')
    .map((line) => line.replace(/^[●*]\s*/, '').trim())
    .filter(Boolean)
    .map((line) => {
      const [unit = '', load = '', active = '', sub = ''] = line.split(/\s+/);
      return { unit, load, active, sub };
    })
    .filter((u) => u.unit.includes('.'));
}
