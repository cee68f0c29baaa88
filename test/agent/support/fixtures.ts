import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManualClock } from '../../../shared/clock.js';
import {
  agentConfigSchema,
  type AgentConfig,
  type AgentConfigInput,
} from '../../../shared/config/agent-config.js';
import { factsFileHost } from '../../../agent/host/facts-file-host.js';
import type { HostAdapter } from '../../../agent/host/host-adapter.js';
import { RootReader } from '../../../agent/probes/root-reader.js';
import type { Probe, ProbeOutput } from '../../../agent/probes/types.js';

/** The fake /sys and /proc of a blade with faults on it (see test/fixtures/). */
export const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));
export const FIXTURE_SYS = join(FIXTURES, 'sys');
export const FIXTURE_PROC = join(FIXTURES, 'proc');
export const FIXTURE_FACTS = join(FIXTURES, 'host.json');
export const FIXTURE_TIME = '2026-03-02T14:05:00.000Z';

export function fixtureConfig(
  input: AgentConfigInput = {},
  roots: { sys?: string; proc?: string; state?: string } = {},
): AgentConfig {
  return agentConfigSchema.parse({
    site: 'nyc1',
    frame: 'frame-03',
    ...input,
    paths: {
      sysfs: roots.sys ?? FIXTURE_SYS,
      procfs: roots.proc ?? FIXTURE_PROC,
      stateDir: roots.state ?? join(tmpdir(), 'bf-agent-unused'),
      ...input.paths,
    },
  });
}

export function fixtureHost(): HostAdapter {
  return factsFileHost(FIXTURE_FACTS);
}

/** A private, writable copy of the fixture tree; returns its root (with sys/ and proc/). */
export function copyFixtures(): { root: string; sys: string; proc: string; facts: string } {
  const root = mkdtempSync(join(tmpdir(), 'bf-fixtures-'));
  cpSync(FIXTURES, root, { recursive: true });
  return {
    root,
    sys: join(root, 'sys'),
    proc: join(root, 'proc'),
    facts: join(root, 'host.json'),
  };
}

/** Runs one probe directly and returns its output and the problems its readers collected. */
export async function readProbe(
  probe: Probe,
  options: {
    config?: AgentConfig;
    host?: HostAdapter;
    clock?: ManualClock;
    memory?: Record<string, unknown>;
  } = {},
): Promise<{ output: ProbeOutput; problems: string[] }> {
  const config = options.config ?? fixtureConfig();
  const sys = new RootReader(config.paths.sysfs);
  const proc = new RootReader(config.paths.procfs);
  const output = await probe.read({
    config,
    sys,
    proc,
    host: options.host ?? fixtureHost(),
    clock: options.clock ?? new ManualClock(FIXTURE_TIME),
    memory: options.memory ?? {},
  });
  return { output, problems: [...sys.problems, ...proc.problems] };
}
