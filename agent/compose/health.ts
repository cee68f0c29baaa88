import type { Envelope, HealthMessage } from '../../shared/messages/index.js';
import { probeReports, type ProbeRun } from '../probes/runner.js';

export type HealthBody = Omit<HealthMessage, keyof Envelope>;
export type OutboxFigures = HealthMessage['outbox'];

const NO_COUNTERS: HealthMessage['counters'] = {
  edacCorrectable: null,
  edacUncorrectable: null,
  aerCorrectable: null,
  aerNonfatal: null,
  aerFatal: null,
  machineChecks: null,
  oomKills: null,
};

/** The health snapshot from the last cycle's probe runs: lists concatenated, objects merged. */
export function healthBody(
  runs: readonly ProbeRun[],
  intervalS: number,
  outbox: OutboxFigures,
): HealthBody {
  const body: HealthBody = {
    intervalS,
    uptimeS: 0,
    load: { one: 0, five: 0, fifteen: 0 },
    cpu: { count: 0, busyPercent: null },
    memory: { totalBytes: 0, availableBytes: 0, swapTotalBytes: 0, swapFreeBytes: 0 },
    filesystems: [],
    temperatures: [],
    fans: [],
    counters: { ...NO_COUNTERS },
    probes: probeReports(runs),
    outbox,
  };
  for (const run of runs) {
    const h = run.output.health;
    if (!h) continue;
    if (h.uptimeS !== undefined) body.uptimeS = h.uptimeS;
    if (h.load) body.load = h.load;
    if (h.cpu) body.cpu = h.cpu;
    if (h.memory) body.memory = h.memory;
    if (h.filesystems) body.filesystems.push(...h.filesystems);
    if (h.temperatures) body.temperatures.push(...h.temperatures);
    if (h.fans) body.fans.push(...h.fans);
    if (h.counters) Object.assign(body.counters, h.counters);
  }
  return body;
}
