import { performance } from 'node:perf_hooks';
import type { Clock } from '../../shared/clock.js';
import type { AgentConfig, ProbeName } from '../../shared/config/agent-config.js';
import type { ProbeReport } from '../../shared/messages/index.js';
import type { HostAdapter } from '../host/host-adapter.js';
import { RootReader } from './root-reader.js';
import type { Probe, ProbeOutput } from './types.js';

export interface ProbeRun {
  name: ProbeName;
  /** No exception and no problem reading. */
  ok: boolean;
  /** The probe threw: its output is unknown this cycle (detect keeps the last state). */
  threw: boolean;
  durationMs: number;
  error?: string;
  output: ProbeOutput;
}

const MAX_ERROR_CHARS = 400;

/**
 * Runs the enabled probes once per cycle. A probe that throws is reported with its name, error
 * and duration and never stops the others. Probes with an `interval` (SMART, systemd units) run
 * only when due; between runs the cycle reuses their last output.
 */
export class ProbeRunner {
  private readonly memories = new Map<ProbeName, Record<string, unknown>>();
  private readonly lastRuns = new Map<ProbeName, { at: number; run: ProbeRun }>();

  constructor(
    private readonly probes: readonly Probe[],
    private readonly config: AgentConfig,
    private readonly host: HostAdapter,
    private readonly clock: Clock,
  ) {}

  /** One after another, so each duration is the probe's own (the slow ones run last). */
  async runAll(): Promise<ProbeRun[]> {
    const runs: ProbeRun[] = [];
    for (const probe of this.probes) runs.push(await this.runOne(probe));
    return runs;
  }

  private async runOne(probe: Probe): Promise<ProbeRun> {
    const now = this.clock.now().getTime();
    const interval = this.config.probes[probe.name].interval;
    const last = this.lastRuns.get(probe.name);
    if (interval !== undefined && last && now - last.at < interval) return last.run;

    const sys = new RootReader(this.config.paths.sysfs);
    const proc = new RootReader(this.config.paths.procfs);
    let memory = this.memories.get(probe.name);
    if (!memory) this.memories.set(probe.name, (memory = {}));
    const started = performance.now();
    let output: ProbeOutput = {};
    let thrown: string | undefined;
    try {
      output = await probe.read({
        config: this.config,
        sys,
        proc,
        host: this.host,
        clock: this.clock,
        memory,
      });
    } catch (error) {
      thrown = error instanceof Error ? error.message : String(error);
    }
    const durationMs = Math.round((performance.now() - started) * 1000) / 1000;
    const problems = [...sys.problems, ...proc.problems];
    const error = thrown ?? (problems.length ? problems.join('; ') : undefined);
    const run: ProbeRun = {
      name: probe.name,
      ok: error === undefined,
      threw: thrown !== undefined,
      durationMs,
      ...(error !== undefined ? { error: error.slice(0, MAX_ERROR_CHARS) } : {}),
      output,
    };
    this.lastRuns.set(probe.name, { at: now, run });
    return run;
  }
}

export function probeReports(runs: readonly ProbeRun[]): ProbeReport[] {
  return runs.map((r) => ({
    name: r.name,
    ok: r.ok,
    durationMs: r.durationMs,
    ...(r.error !== undefined ? { error: r.error } : {}),
  }));
}
