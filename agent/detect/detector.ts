import type { AgentConfig } from '../../shared/config/agent-config.js';
import type { ProbeRun } from '../probes/runner.js';
import type { ConditionReading, CounterReading, RecordReading } from '../probes/types.js';
import type { DetectState } from './detect-state.js';
import { drain, ratePerHour, type BucketSettings } from './leaky-bucket.js';
import type { Observation } from './observation.js';

/** Crash records remembered; older ids fall off (pstore holds a handful at most). */
const MAX_RECORDS = 500;

/**
 * Turns probe readings into observations, once per change: a counter's increase (or, for
 * correctable errors, a burst that overflows its leaky bucket and later the bucket running dry),
 * a condition turning on or off, a crash record not seen before. Sysfs counters start at zero
 * with the kernel, so a counter first seen in a boot is measured from zero.
 */
export class Detector {
  constructor(
    private readonly config: AgentConfig,
    readonly state: DetectState,
  ) {}

  observe(runs: readonly ProbeRun[], now: Date): Observation[] {
    const at = now.getTime();
    const out: Observation[] = [];
    for (const run of runs) {
      out.push(...this.probeHealth(run));
      if (run.threw) continue;
      for (const counter of run.output.counters ?? []) out.push(...this.counter(counter, at));
      const present = new Set<string>();
      for (const condition of run.output.conditions ?? []) {
        present.add(condition.key);
        out.push(...this.condition(run.name, condition));
      }
      // A condition that vanished from a probe that read cleanly (a failed unit reset, a disk
      // removed) is over; after a partial read it may only be unreadable, so it stays.
      if (run.ok) out.push(...this.clearAbsent(run.name, present));
      for (const record of run.output.records ?? []) out.push(...this.record(record));
    }
    return out;
  }

  private probeHealth(run: ProbeRun): Observation[] {
    return this.condition('runner', {
      key: `probe:${run.name}`,
      signal: 'agent.probe_failed',
      component: { kind: 'agent', id: `probe/${run.name}`, location: null },
      active: !run.ok,
      evidence: { probe: run.name, error: run.error ?? null },
      summary: run.ok ? `Probe ${run.name} reads again` : `Probe ${run.name} failed: ${run.error}`,
    });
  }

  private counter(c: CounterReading, at: number): Observation[] {
    const last = this.state.counters[c.key];
    // A counter below its last value was reset (driver reload): count from zero again.
    const previous = last && c.value >= last.value ? last.value : 0;
    const delta = c.value - previous;
    if (!c.bucket) {
      this.state.counters[c.key] = { value: c.value, level: 0, at, active: false };
      if (delta <= 0) return [];
      return [this.counterObservation(c, 'active', { count: c.value, previous, delta })];
    }
    const settings = this.bucket(c.bucket);
    const level = drain(last?.level ?? 0, last ? at - last.at : 0, settings) + delta;
    const wasActive = last?.active ?? false;
    const active = wasActive ? level > 0 : level >= settings.threshold;
    this.state.counters[c.key] = { value: c.value, level, at, active };
    if (active === wasActive) return [];
    return [
      this.counterObservation(c, active ? 'active' : 'cleared', {
        count: c.value,
        previous,
        delta,
        ratePerHour: ratePerHour(level, settings),
        windowS: settings.windowMs / 1000,
        threshold: settings.threshold,
      }),
    ];
  }

  private counterObservation(
    c: CounterReading,
    status: Observation['status'],
    figures: Record<string, number>,
  ): Observation {
    return {
      signal: c.signal,
      status,
      component: c.component,
      evidence: { ...c.evidence, ...figures },
      summary: status === 'cleared' ? `${c.summary}: back below the alert rate` : c.summary,
    };
  }

  private condition(owner: string, c: ConditionReading): Observation[] {
    const known = this.state.conditions[c.key];
    const active = c.active || (known !== undefined && c.holdWhile === true);
    if (active) {
      this.state.conditions[c.key] = {
        owner,
        signal: c.signal,
        component: c.component,
        evidence: c.evidence,
        summary: c.summary,
      };
      return known ? [] : [{ ...pick(c), status: 'active' }];
    }
    if (!known) return [];
    delete this.state.conditions[c.key];
    return [{ ...pick(c), status: 'cleared' }];
  }

  private clearAbsent(owner: string, present: Set<string>): Observation[] {
    const out: Observation[] = [];
    for (const [key, known] of Object.entries(this.state.conditions)) {
      if (known.owner !== owner || present.has(key)) continue;
      delete this.state.conditions[key];
      out.push({
        signal: known.signal,
        status: 'cleared',
        component: known.component,
        evidence: known.evidence,
        summary: `${known.summary}: no longer present`.slice(0, 500),
      });
    }
    return out;
  }

  private record(r: RecordReading): Observation[] {
    if (this.state.records.includes(r.id)) return [];
    this.state.records.push(r.id);
    if (this.state.records.length > MAX_RECORDS) this.state.records.shift();
    return [
      {
        signal: r.signal,
        status: 'active',
        component: r.component,
        evidence: r.evidence,
        summary: r.summary,
      },
    ];
  }

  private bucket(name: 'memoryCorrectable' | 'pcieCorrectable'): BucketSettings {
    const b = this.config.detect[name];
    return { threshold: b.threshold, windowMs: b.window };
  }
}

function pick(c: ConditionReading): Omit<Observation, 'status'> {
  return {
    signal: c.signal,
    component: c.component,
    evidence: c.evidence,
    summary: c.summary.slice(0, 500),
  };
}
