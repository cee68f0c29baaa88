import type { Evidence } from '../../shared/messages/index.js';
import type { Signal } from '../../shared/signals.js';
import type { CounterReading, Probe, ProbeContext } from './types.js';

const DEVICES = 'bus/pci/devices';
const SLOTS = 'bus/pci/slots';
/** Re-list the PCI devices this often; in between only the AER-capable ones are read. */
const RELIST_MS = 5 * 60_000;

const KINDS: readonly { file: string; total: string; signal: Signal; health: string }[] = [
  {
    file: 'aer_dev_correctable',
    total: 'TOTAL_ERR_COR',
    signal: 'pcie.aer.correctable',
    health: 'aerCorrectable',
  },
  {
    file: 'aer_dev_nonfatal',
    total: 'TOTAL_ERR_NONFATAL',
    signal: 'pcie.aer.nonfatal',
    health: 'aerNonfatal',
  },
  { file: 'aer_dev_fatal', total: 'TOTAL_ERR_FATAL', signal: 'pcie.aer.fatal', health: 'aerFatal' },
];

interface AerMemory {
  devices?: string[];
  listedAt?: number;
}

/**
 * PCIe Advanced Error Reporting: per-device counters of correctable, non-fatal and fatal errors
 * (`aer_dev_*`, one `Name count` line per error type and a `TOTAL_ERR_*` line).
 */
export const aerProbe: Probe = {
  name: 'aer',
  defaultEnabled: true,
  read(ctx) {
    const counters: CounterReading[] = [];
    const totals: Record<string, number | null> = {
      aerCorrectable: null,
      aerNonfatal: null,
      aerFatal: null,
    };
    const slots = slotNames(ctx);
    for (const device of aerDevices(ctx)) {
      const label = ctx.sys.line(`${DEVICES}/${device}/label`) || null;
      const slot = slots.get(device.replace(/\.\d+$/, '')) ?? null;
      for (const kind of KINDS) {
        const text = ctx.sys.text(`${DEVICES}/${device}/${kind.file}`);
        if (text === null) continue;
        const parsed = parseAer(text, ctx.sys.path(`${DEVICES}/${device}/${kind.file}`), ctx);
        if (!parsed) continue;
        const value = parsed.fields[kind.total] ?? parsed.sum;
        totals[kind.health] = (totals[kind.health] ?? 0) + value;
        const evidence: Evidence = { device, slot, label };
        for (const [name, count] of Object.entries(parsed.fields)) {
          if (count > 0 && !name.startsWith('TOTAL_')) evidence[name] = count;
        }
        counters.push({
          key: `aer:${device}:${kind.file.slice(8)}`,
          signal: kind.signal,
          component: {
            kind: 'pcie',
            id: device,
            location: label ?? (slot ? `slot ${slot}` : null),
          },
          value,
          evidence,
          summary: `PCIe ${kind.file.slice(8)} errors on ${device}${slot ? ` (slot ${slot})` : ''}`,
          ...(kind.signal === 'pcie.aer.correctable' ? { bucket: 'pcieCorrectable' as const } : {}),
        });
      }
    }
    return { counters, health: { counters: totals } };
  },
};

function aerDevices(ctx: ProbeContext): string[] {
  const memory = ctx.memory as AerMemory;
  const now = ctx.clock.now().getTime();
  if (!memory.devices || memory.listedAt === undefined || now - memory.listedAt >= RELIST_MS) {
    memory.devices = ctx.sys
      .list(DEVICES)
      .filter((d) => ctx.sys.list(`${DEVICES}/${d}`, /^aer_dev_/).length > 0);
    memory.listedAt = now;
  }
  return memory.devices;
}

/** Slot number by bus address (`0000:3b:00`), from `bus/pci/slots/<name>/address`. */
function slotNames(ctx: ProbeContext): Map<string, string> {
  const slots = new Map<string, string>();
  for (const slot of ctx.sys.list(SLOTS)) {
    const address = ctx.sys.line(`${SLOTS}/${slot}/address`);
    if (address) slots.set(address, slot);
  }
  return slots;
}

function parseAer(
  text: string,
  path: string,
  ctx: ProbeContext,
): { fields: Record<string, number>; sum: number } | null {
  const fields: Record<string, number> = {};
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const m = /^(\w+)\s+(\d+)$/.exec(line.trim());
    if (!m) {
      ctx.sys.problem(`${path}: unexpected line "${line.trim().slice(0, 40)}"`);
      return null;
    }
    const value = Number(m[2]);
    fields[m[1]!] = value;
    if (!m[1]!.startsWith('TOTAL_')) sum += value;
  }
  return { fields, sum };
}
