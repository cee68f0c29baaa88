import type { Environment } from '../../shared/messages/birth.js';
import type { Component, Evidence } from '../../shared/messages/event.js';

/**
 * What classification looks at. `signal` is a plain string: a signal this collector does not
 * know (a newer agent, a typo) is still classified (as undetermined), never dropped.
 */
export interface Observation {
  signal: string;
  component: Component;
  evidence: Evidence;
  summary: string;
  siteId: string;
  frameId: string | null;
  bladeId: string | null;
  environment: Environment;
}
