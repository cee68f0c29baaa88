import { randomUUID } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import type { AgentConfig } from '../shared/config/agent-config.js';
import { SEGMENT_PATTERN, type TopicAddress } from '../shared/topics.js';
import { RootReader } from './probes/root-reader.js';

export interface Identity extends TopicAddress {
  hostname: string;
  /** The kernel's boot id: with bladeId and seq, the identity of every message. */
  bootId: string;
}

/** A host name made fit for a topic segment: other characters become `-`, at most 64. */
export function sanitiseSegment(name: string): string {
  const cleaned = name
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64);
  return SEGMENT_PATTERN.test(cleaned) ? cleaned : 'blade';
}

export function resolveIdentity(config: AgentConfig): Identity {
  const proc = new RootReader(config.paths.procfs);
  const hostname = proc.line('sys/kernel/hostname') || osHostname();
  const bootId = proc.line('sys/kernel/random/boot_id');
  return {
    site: config.site,
    frame: config.frame,
    blade: config.blade ?? sanitiseSegment(hostname),
    hostname,
    // Without a kernel boot id (not Linux) each agent start is its own "boot".
    bootId: bootId && /^[A-Za-z0-9-]{1,64}$/.test(bootId) ? bootId : randomUUID(),
  };
}
