import type { AgentConfig } from '../../shared/config/agent-config.js';
import { aerProbe } from './aer.js';
import { edacProbe } from './edac.js';
import { filesystemsProbe } from './filesystems.js';
import { hwmonProbe } from './hwmon.js';
import { kernelTaintProbe } from './kernel-taint.js';
import { machineCheckProbe } from './machine-check.js';
import { oomProbe } from './oom.js';
import { pstoreProbe } from './pstore.js';
import { smartProbe } from './smart.js';
import { systemProbe } from './system.js';
import { systemdUnitsProbe } from './systemd-units.js';
import { thermalZonesProbe } from './thermal-zones.js';
import type { Probe } from './types.js';

/** Every probe, in the order a cycle runs them. */
export const PROBES: readonly Probe[] = [
  systemProbe,
  edacProbe,
  aerProbe,
  hwmonProbe,
  thermalZonesProbe,
  machineCheckProbe,
  kernelTaintProbe,
  oomProbe,
  pstoreProbe,
  filesystemsProbe,
  systemdUnitsProbe,
  smartProbe,
];

/** The probes this configuration switches on (`probes.<name>.enabled`, else the default). */
export function enabledProbes(config: AgentConfig, all: readonly Probe[] = PROBES): Probe[] {
  return all.filter((p) => config.probes[p.name].enabled ?? p.defaultEnabled);
}
