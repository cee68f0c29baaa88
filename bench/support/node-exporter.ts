// Debian's prometheus-node-exporter as the benchmark's yardstick: found, or installed with apt.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';

const BINARY = '/usr/bin/prometheus-node-exporter';
const POLICY = '/usr/sbin/policy-rc.d';

/** The binary's path, installing the package when missing; null (with the reason) if it fails. */
export function ensureNodeExporter(): { path: string } | { path: null; reason: string } {
  if (existsSync(BINARY)) return { path: BINARY };
  console.log('prometheus-node-exporter is missing: installing it with apt-get');
  // The package's service must not start on its own: only the benchmark's instance runs.
  const ownPolicy = !existsSync(POLICY);
  if (ownPolicy) writeFileSync(POLICY, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [
      ['update'],
      ['install', '-y', '--no-install-recommends', 'prometheus-node-exporter'],
    ]) {
      const run = spawnSync('apt-get', args, { env, encoding: 'utf8', timeout: 600_000 });
      if (run.status !== 0) {
        const detail = (run.stderr || run.error?.message || '')
          .trim()
          .split('\n')
          .slice(-3)
          .join(' | ');
        return { path: null, reason: `apt-get ${args[0]} failed: ${detail}` };
      }
    }
  } finally {
    if (ownPolicy) rmSync(POLICY, { force: true });
  }
  return existsSync(BINARY)
    ? { path: BINARY }
    : { path: null, reason: `${BINARY} not found after install` };
}
