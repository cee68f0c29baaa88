import type { HealthMessage } from '../../shared/messages/index.js';
import type { ConditionReading, Probe, ProbeContext } from './types.js';

interface Mount {
  device: string;
  mount: string;
  fstype: string;
  options: string[];
}

/**
 * Local file systems: read-only (remounted after errors) and filling up. The mount table is the
 * host's (`/proc/1/mounts`): the agent's own view is read-only by design under systemd's
 * ProtectSystem=strict. Only real, local file-system types are watched (network mounts can hang
 * statfs); bind mounts of one device count once.
 */
export const filesystemsProbe: Probe = {
  name: 'filesystems',
  defaultEnabled: true,
  async read(ctx) {
    const settings = ctx.config.detect.filesystem;
    const ignore = settings.ignoreMounts.map(glob);
    const expectRo = settings.expectReadOnly.map(glob);
    const types = new Set(settings.types);
    const seen = new Set<string>();
    const conditions: ConditionReading[] = [];
    const filesystems: HealthMessage['filesystems'] = [];
    for (const m of mountTable(ctx)) {
      if (!types.has(m.fstype) || ignore.some((re) => re.test(m.mount))) continue;
      if (seen.has(m.device)) continue;
      seen.add(m.device);
      const readOnly = m.options.includes('ro');
      const component = { kind: 'filesystem' as const, id: m.mount, location: m.device };
      const roActive = readOnly && !expectRo.some((re) => re.test(m.mount));
      conditions.push({
        key: `fs:${m.mount}:readonly`,
        signal: 'filesystem.readonly',
        component,
        active: roActive,
        evidence: {
          mount: m.mount,
          device: m.device,
          fstype: m.fstype,
          options: m.options.join(','),
        },
        summary: `${m.mount} (${m.device}) is ${readOnly ? 'read-only' : 'writable'}`,
      });
      const usage = await ctx.host.statfs(m.mount);
      if (!usage || usage.sizeBytes <= 0) continue;
      const usedBytes = usage.sizeBytes - usage.freeBytes;
      const usedPercent =
        Math.round((usedBytes / Math.max(1, usedBytes + usage.availBytes)) * 1000) / 10;
      filesystems.push({
        mount: m.mount,
        device: m.device,
        fstype: m.fstype,
        sizeBytes: usage.sizeBytes,
        usedBytes,
        readOnly,
      });
      conditions.push({
        key: `fs:${m.mount}:full`,
        signal: 'filesystem.full',
        component,
        active: usedPercent >= settings.fullPercent,
        holdWhile: usedPercent > settings.fullPercent - settings.hysteresisPercent,
        evidence: {
          usedPercent,
          threshold: settings.fullPercent,
          mount: m.mount,
          device: m.device,
          sizeBytes: usage.sizeBytes,
          availBytes: usage.availBytes,
        },
        summary: `${m.mount} is ${usedPercent}% full (threshold ${settings.fullPercent}%)`,
      });
    }
    return { conditions, health: { filesystems } };
  },
};

function mountTable(ctx: ProbeContext): Mount[] {
  const text = ctx.proc.text('1/mounts') ?? ctx.proc.text('self/mounts') ?? ctx.proc.text('mounts');
  if (text === null) return [];
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    if (fields.length < 4) continue;
    mounts.push({
      device: unescape(fields[0]!),
      mount: unescape(fields[1]!),
      fstype: fields[2]!,
      options: fields[3]!.split(','),
    });
  }
  return mounts;
}

/** /proc/mounts writes space, tab, newline and backslash as octal escapes. */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(parseInt(octal, 8)),
  );
}

function glob(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}
