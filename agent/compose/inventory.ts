import type { AgentConfig } from '../../shared/config/agent-config.js';
import type { Inventory } from '../../shared/messages/index.js';
import { VERSION } from '../../shared/version.js';
import type { HostAdapter, SystemFacts } from '../host/host-adapter.js';
import type { Identity } from '../identity.js';
import { RootReader } from '../probes/root-reader.js';

const DMI = 'class/dmi/id';
/** Firmware of the BMC, as the IPMI driver publishes it. */
const BMC_FIRMWARE = 'class/ipmi/ipmi0/device/bmc/firmware_revision';

/**
 * The blade's inventory for the birth message. DMI and kernel facts come from sysfs/procfs;
 * systeminformation (through the host adapter) gives the OS release and fills DMI gaps, e.g. a
 * serial number sysfs only shows to root.
 */
export async function gatherInventory(
  config: AgentConfig,
  identity: Identity,
  host: HostAdapter,
): Promise<Inventory> {
  const sys = new RootReader(config.paths.sysfs);
  const proc = new RootReader(config.paths.procfs);
  const dmi = (name: string): string | null => clean(sys.line(`${DMI}/${name}`));
  let fallback: SystemFacts | undefined;
  const fromHost = async (): Promise<SystemFacts> => (fallback ??= await safeSystem(host));
  const facts = async (name: keyof SystemFacts) => clean((await fromHost())[name]);
  const model = dmi('product_name') ?? (await facts('model'));
  const vendor = dmi('sys_vendor') ?? (await facts('manufacturer'));
  const serial = dmi('product_serial') ?? dmi('chassis_serial') ?? (await facts('serial'));
  const bios = dmi('bios_version') ?? (await facts('biosVersion'));
  const biosDate = dmi('bios_date') ?? (await facts('biosDate'));
  const os = await host.osRelease().catch(() => ({ distro: null, release: null }));
  const stat = proc.text('stat') ?? '';
  const memKb = /^MemTotal:\s+(\d+)/m.exec(proc.text('meminfo') ?? '')?.[1];
  return {
    hostname: identity.hostname,
    bladeType: model ?? 'unknown',
    vendor,
    serial,
    firmware: { bios, biosDate, bmc: clean(sys.line(BMC_FIRMWARE)) },
    os,
    kernel: proc.line('sys/kernel/osrelease') ?? 'unknown',
    arch: proc.line('sys/kernel/arch') || process.arch,
    cpus: (stat.match(/^cpu\d+ /gm) ?? []).length,
    memoryBytes: memKb ? Number(memKb) * 1024 : 0,
    agentVersion: VERSION,
    environment: config.environment,
    software: config.software,
  };
}

async function safeSystem(host: HostAdapter): Promise<SystemFacts> {
  try {
    return await host.system();
  } catch {
    return { manufacturer: null, model: null, serial: null, biosVersion: null, biosDate: null };
  }
}

/** DMI fields often hold placeholders rather than nothing. */
const PLACEHOLDER =
  /^(?:|-|none|n\/a|na|not specified|not applicable|to be filled by o\.e\.m\.|default string|0+|\.+)$/i;

function clean(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return PLACEHOLDER.test(trimmed) ? null : trimmed;
}
