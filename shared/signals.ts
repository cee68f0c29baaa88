/**
 * The one taxonomy of fault signals. Agents emit the `agent` signals, the collector derives the
 * `fleet` ones, and `api` signals come only from people (a customer opening a call by hand).
 */
export interface SignalInfo {
  origin: 'agent' | 'fleet' | 'api';
  title: string;
}

export const SIGNALS = {
  'memory.ecc.correctable': { origin: 'agent', title: 'Correctable memory (ECC) errors' },
  'memory.ecc.uncorrectable': { origin: 'agent', title: 'Uncorrectable memory (ECC) error' },
  'cpu.machine_check': { origin: 'agent', title: 'CPU machine-check exception' },
  'pcie.aer.correctable': { origin: 'agent', title: 'PCIe correctable errors (AER)' },
  'pcie.aer.nonfatal': { origin: 'agent', title: 'PCIe non-fatal error (AER)' },
  'pcie.aer.fatal': { origin: 'agent', title: 'PCIe fatal error (AER)' },
  'disk.smart.prefail': { origin: 'agent', title: 'Disk SMART pre-failure attribute' },
  'disk.smart.failing': { origin: 'agent', title: 'Disk SMART health failing' },
  'thermal.warning': { origin: 'agent', title: 'Temperature above warning threshold' },
  'thermal.critical': { origin: 'agent', title: 'Temperature above critical threshold' },
  'fan.failed': { origin: 'agent', title: 'Fan failed or stalled' },
  'power.supply.failed': { origin: 'agent', title: 'Power supply alarm' },
  'kernel.oops': { origin: 'agent', title: 'Kernel oops (tainted kernel)' },
  'kernel.panic': { origin: 'agent', title: 'Kernel panic on the previous boot' },
  'kernel.oom_kill': { origin: 'agent', title: 'Out-of-memory kills' },
  'service.failed': { origin: 'agent', title: 'systemd unit failed' },
  'filesystem.readonly': { origin: 'agent', title: 'File system remounted read-only' },
  'filesystem.full': { origin: 'agent', title: 'File system filling up' },
  'agent.probe_failed': { origin: 'agent', title: 'Agent probe failed' },
  'test.call': { origin: 'agent', title: 'Test call' },
  'blade.offline': { origin: 'fleet', title: 'Blade offline (connection lost)' },
  'blade.silent': { origin: 'fleet', title: 'Blade silent (missed heartbeats)' },
  'frame.silent': { origin: 'fleet', title: 'Whole frame silent' },
  'frame.storm': { origin: 'fleet', title: 'Fault storm: many blades of one frame at once' },
  'customer.report': { origin: 'api', title: 'Problem reported by the customer' },
  'feature.request': { origin: 'api', title: 'Feature enhancement request' },
} as const satisfies Record<string, SignalInfo>;

export type Signal = keyof typeof SIGNALS;
export const SIGNAL_NAMES = Object.keys(SIGNALS) as Signal[];
export const AGENT_SIGNALS = SIGNAL_NAMES.filter((s) => SIGNALS[s].origin === 'agent');
export const FLEET_SIGNALS = SIGNAL_NAMES.filter((s) => SIGNALS[s].origin === 'fleet');

export function isSignal(value: string): value is Signal {
  return Object.hasOwn(SIGNALS, value);
}
