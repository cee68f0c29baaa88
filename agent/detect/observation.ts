import type { Component, Evidence } from '../../shared/messages/index.js';
import type { Signal } from '../../shared/signals.js';

/** What detect hands on: the body of an `event` message, before it gets its envelope. */
export interface Observation {
  signal: Signal;
  status: 'active' | 'cleared';
  component: Component;
  evidence: Evidence;
  summary: string;
}
