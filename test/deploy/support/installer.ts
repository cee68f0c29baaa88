import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../..', import.meta.url));
export const DEPLOY = join(REPO, 'deploy');
export const INSTALLER = join(DEPLOY, 'install-agent.sh');
export const UNIT = join(DEPLOY, 'systemd', 'bladeframe-agent.service');

/** Where the installer puts things on a blade (relative to its --root). */
export const PATHS = {
  bundle: '/opt/bladeframe/bladeframe-agent.mjs',
  config: '/etc/bladeframe/agent.yaml',
  unit: '/etc/systemd/system/bladeframe-agent.service',
  command: '/usr/local/bin/bladeframe-agent',
} as const;

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a script with bash (by absolute path, so a test's PATH only changes what it finds). */
export function runScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  as?: { uid: number; gid: number },
): Run {
  const result = spawnSync('/bin/bash', ['--norc', script, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
    ...as,
    timeout: 60_000,
    killSignal: 'SIGKILL',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every file under `dir` with its mode and content hash, by relative path. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) {
        out[relative(dir, path) + '/'] = mode(path);
        walk(path);
      } else {
        const hash = createHash('sha256').update(readFileSync(path)).digest('hex');
        out[relative(dir, path)] = `${mode(path)} ${hash}`;
      }
    }
  };
  walk(dir);
  return out;
}

export function mode(path: string): string {
  return (statSync(path).mode & 0o7777).toString(8);
}

/** A systemd unit file as section → key → values (keys may repeat); comments dropped. */
export function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = new Map();
      sections.set(header[1]!, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (!current || eq < 1) throw new Error(`not a unit line: ${line}`);
    const key = line.slice(0, eq).trim();
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return sections;
}
