import type { Clock } from '../shared/clock.js';
import type { AgentConfig } from '../shared/config/agent-config.js';
import type { DetectState } from './detect/detect-state.js';
import { Detector } from './detect/detector.js';
import type { Observation } from './detect/observation.js';
import type { HostAdapter } from './host/host-adapter.js';
import { enabledProbes } from './probes/index.js';
import { ProbeRunner, type ProbeRun } from './probes/runner.js';
import type { Probe } from './probes/types.js';

export interface CycleResult {
  runs: ProbeRun[];
  observations: Observation[];
  durationMs: number;
}

/** One probe cycle: run the enabled probes, then detect what changed since the last cycle. */
export class Cycle {
  private readonly runner: ProbeRunner;
  private readonly detector: Detector;

  constructor(
    config: AgentConfig,
    host: HostAdapter,
    private readonly clock: Clock,
    state: DetectState,
    probes: readonly Probe[] = enabledProbes(config),
  ) {
    this.runner = new ProbeRunner(probes, config, host, clock);
    this.detector = new Detector(config, state);
  }

  get state(): DetectState {
    return this.detector.state;
  }

  async run(): Promise<CycleResult> {
    const started = performance.now();
    const runs = await this.runner.runAll();
    const observations = this.detector.observe(runs, this.clock.now());
    return {
      runs,
      observations,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    };
  }
}
