import type { Clock } from '../../shared/clock.js';
import type { AgentConfig, ProbeName } from '../../shared/config/agent-config.js';
import type { Component, Evidence, HealthMessage } from '../../shared/messages/index.js';
import type { Signal } from '../../shared/signals.js';
import type { HostAdapter } from '../host/host-adapter.js';
import type { RootReader } from './root-reader.js';

/** Which leaky bucket of `detect` a correctable-error counter fills. */
export type BucketName = 'memoryCorrectable' | 'pcieCorrectable';

/**
 * A counter that only grows (sysfs error counters). Detect turns it into deltas: every increase
 * is an observation, or, with a bucket, only a burst above the configured rate.
 */
export interface CounterReading {
  /** Stable across cycles and agent restarts, e.g. `edac:mc0/csrow1:ue`. */
  key: string;
  signal: Signal;
  component: Component;
  value: number;
  /** Context figures added to count/previous/delta (mc, csrow, label...). */
  evidence: Evidence;
  summary: string;
  bucket?: BucketName;
}

/** An on/off state (a fan alarm, a full file system); detect reports its changes. */
export interface ConditionReading {
  key: string;
  signal: Signal;
  component: Component;
  active: boolean;
  /** Hysteresis: a condition already active stays active while this holds. */
  holdWhile?: boolean;
  evidence: Evidence;
  summary: string;
}

/** A one-off record (a crash found in pstore): reported once, ever, by its id. */
export interface RecordReading {
  id: string;
  signal: Signal;
  component: Component;
  evidence: Evidence;
  summary: string;
}

type HealthParts = Pick<
  HealthMessage,
  'uptimeS' | 'load' | 'cpu' | 'memory' | 'filesystems' | 'temperatures' | 'fans'
>;

/** What a probe adds to the health snapshot; lists are concatenated, objects merged. */
export type HealthContribution = Partial<HealthParts> & {
  counters?: Partial<HealthMessage['counters']>;
};

export interface ProbeOutput {
  counters?: CounterReading[];
  conditions?: ConditionReading[];
  records?: RecordReading[];
  health?: HealthContribution;
}

export interface ProbeContext {
  config: AgentConfig;
  /** Reads under the configured sysfs and procfs roots; collects problems instead of throwing. */
  sys: RootReader;
  proc: RootReader;
  host: HostAdapter;
  clock: Clock;
  /** Private memory of this probe between cycles (e.g. the previous /proc/stat sample). */
  memory: Record<string, unknown>;
}

export interface Probe {
  name: ProbeName;
  defaultEnabled: boolean;
  read(ctx: ProbeContext): ProbeOutput | Promise<ProbeOutput>;
}
