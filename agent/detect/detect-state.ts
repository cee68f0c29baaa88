import type { Component, Evidence } from '../../shared/messages/index.js';
import type { Signal } from '../../shared/signals.js';

export interface CounterState {
  value: number;
  /** Leaky-bucket level (bucketed counters only). */
  level: number;
  /** When `value` was read (ms since the epoch). */
  at: number;
  active: boolean;
}

export interface ActiveCondition {
  owner: string;
  signal: Signal;
  component: Component;
  evidence: Evidence;
  summary: string;
}

/**
 * What detect remembers between cycles and across agent restarts. Counters restart with the
 * kernel, so they belong to one boot; conditions describe the hardware and outlive a reboot (a
 * fan still failed after a reboot is not news); reported crash records are remembered for good.
 */
export interface DetectState {
  bootId: string;
  counters: Record<string, CounterState>;
  conditions: Record<string, ActiveCondition>;
  records: string[];
}

export function emptyDetectState(bootId: string): DetectState {
  return { bootId, counters: {}, conditions: {}, records: [] };
}

/** A state from disk, adopted for this boot: counters from another boot are dropped. */
export function adoptState(loaded: unknown, bootId: string): DetectState {
  if (!isState(loaded)) return emptyDetectState(bootId);
  if (loaded.bootId !== bootId) return { ...loaded, bootId, counters: {} };
  return loaded;
}

function isState(value: unknown): value is DetectState {
  if (!value || typeof value !== 'object') return false;
  const v = value as Partial<DetectState>;
  return (
    typeof v.bootId === 'string' &&
    !!v.counters &&
    typeof v.counters === 'object' &&
    !!v.conditions &&
    typeof v.conditions === 'object' &&
    Array.isArray(v.records)
  );
}
