import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAgent } from '../../scripts/agent-bundle.mjs';
import { INSTALLER, PATHS, type Run } from './support/installer.js';

/**
 * The installer on a "real" system, without touching this machine: each run happens in a
 * private mount namespace where /etc, /opt, /usr/local/bin and /run are overlays whose writes
 * land in the scenario's directory, /run/systemd/system exists (systemd "runs"), and
 * `systemctl` is a stand-in that records its calls and keeps enabled/active as files.
 * Needs root and mount namespaces; skipped elsewhere.
 */
const OVERLAID = ['/etc', '/opt', '/usr/local/bin', '/run'];
const SETUP = `set -e
for d in ${OVERLAID.join(' ')}; do
  mkdir -p "$S/upper$d" "$S/work$d"
  mount -t overlay overlay -o "lowerdir=$d,upperdir=$S/upper$d,workdir=$S/work$d" "$d"
done
mkdir -p /run/systemd/system
`;

const FAKE_SYSTEMCTL = `#!/bin/sh
echo "$*" >>"$S/systemctl.log"
[ "$1" = --quiet ] && shift
case $1 in
  is-enabled) [ -e "$S/enabled" ] ;;
  is-active) [ -e "$S/active" ] ;;
  enable) touch "$S/enabled" ;;
  start | restart) touch "$S/active" ;;
  daemon-reload) ;;
  *) echo "unexpected systemctl $*" >&2; exit 1 ;;
esac
`;

function inNamespace(scenario: string, command: string, args: string[] = []): Run {
  const r = spawnSync(
    'unshare',
    [
      '-m',
      '--propagation',
      'private',
      '/bin/bash',
      '--norc',
      '-c',
      SETUP + command,
      'setup',
      ...args,
    ],
    {
      encoding: 'utf8',
      env: { PATH: `${join(scenario, 'bin')}${delimiter}${process.env.PATH}`, S: scenario },
      timeout: 60_000,
      killSignal: 'SIGKILL',
    },
  );
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

function newScenario(parent: string): string {
  const s = mkdtempSync(join(parent, 'scenario-'));
  mkdirSync(join(s, 'bin'));
  writeFileSync(join(s, 'bin', 'systemctl'), FAKE_SYSTEMCTL);
  chmodSync(join(s, 'bin', 'systemctl'), 0o755);
  return s;
}

const canIsolate = (() => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const dir = mkdtempSync(join(tmpdir(), 'bf-ns-probe-'));
  try {
    return inNamespace(dir, 'test -d /run/systemd/system').status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();

describe.skipIf(!canIsolate)('deploy/install-agent.sh where systemd runs', () => {
  let work: string;
  let bundle: string;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'bf-install-systemd-'));
    bundle = join(work, 'bladeframe-agent.mjs');
    await bundleAgent(bundle);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const install = (s: string, ...args: string[]): Run => {
    writeFileSync(join(s, 'systemctl.log'), '');
    return inNamespace(s, 'exec /bin/bash --norc "$@"', [INSTALLER, '--bundle', bundle, ...args]);
  };
  const calls = (s: string): string[] =>
    readFileSync(join(s, 'systemctl.log'), 'utf8').split('\n').filter(Boolean);

  it('enables but does not start with a new configuration, then starts, then leaves it be', () => {
    const s = newScenario(work);
    const first = install(s, '--site', 'lab1');
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(calls(s)).toEqual([
      'daemon-reload',
      'is-enabled --quiet bladeframe-agent',
      'enable --quiet bladeframe-agent',
    ]);
    expect(first.stdout).toContain('not started: edit /etc/bladeframe/agent.yaml');
    // Written into the namespace's overlays, i.e. the scenario, not this machine.
    expect(existsSync(join(s, 'upper', PATHS.bundle))).toBe(true);
    expect(existsSync(join(s, 'upper', PATHS.unit))).toBe(true);
    expect(existsSync(join(s, 'upper', PATHS.config))).toBe(true);

    const second = install(s);
    expect(second.status).toBe(0);
    expect(calls(s)).toEqual([
      'is-enabled --quiet bladeframe-agent',
      'is-active --quiet bladeframe-agent',
      'start bladeframe-agent',
    ]);
    expect(second.stdout).toMatch(/^started +bladeframe-agent$/m);

    const third = install(s);
    expect(third.status).toBe(0);
    expect(calls(s)).toEqual([
      'is-enabled --quiet bladeframe-agent',
      'is-active --quiet bladeframe-agent',
    ]);
    expect(third.stdout).toMatch(/^running +bladeframe-agent$/m);
  });

  it('restarts a running agent whose bundle changed', () => {
    const s = newScenario(work);
    expect(install(s).status).toBe(0);
    expect(install(s).status).toBe(0); // started
    const newer = join(s, 'newer.mjs');
    writeFileSync(newer, readFileSync(bundle, 'utf8') + '\n// rebuilt\n');
    const upgrade = install(s, '--bundle', newer);
    expect(upgrade.status).toBe(0);
    expect(calls(s)).toContain('restart bladeframe-agent');
    expect(calls(s)).not.toContain('daemon-reload'); // the unit did not change
    expect(upgrade.stdout).toMatch(/^restarted +bladeframe-agent/m);
  });

  it('runs no systemctl with --no-start', () => {
    const s = newScenario(work);
    const r = install(s, '--no-start');
    expect(r.status).toBe(0);
    expect(calls(s)).toEqual([]);
    expect(r.stdout).toContain('systemctl not run (--no-start)');
    expect(existsSync(join(s, 'upper', PATHS.bundle))).toBe(true);
  });
});
