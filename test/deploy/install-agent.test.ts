import { execFile } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAgent } from '../../scripts/agent-bundle.mjs';
import { FIXTURE_FACTS, FIXTURE_PROC, FIXTURE_SYS } from '../agent/support/fixtures.js';
import {
  DEPLOY,
  INSTALLER,
  mode,
  parseUnit,
  PATHS,
  runScript,
  snapshot,
} from './support/installer.js';

const run = promisify(execFile);

describe('deploy/install-agent.sh', () => {
  let work: string;
  let bundle: string;
  const temp = (name: string): string => mkdtempSync(join(work, `${name}-`));

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'bf-install-'));
    bundle = join(work, 'bladeframe-agent.mjs');
    await bundleAgent(bundle);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('stages the agent, its configuration, the unit and the command with their modes', () => {
    const root = temp('root');
    const r = runScript(INSTALLER, ['--root', root, '--bundle', bundle, '--site', 'lab1']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('systemctl not run');
    expect(r.stdout).toMatch(/^bladeframe-agent \d+\.\d+\.\d+ with node v\d+/m);
    expect(mode(join(root, PATHS.bundle))).toBe('644');
    expect(mode(join(root, PATHS.unit))).toBe('644');
    expect(mode(join(root, PATHS.command))).toBe('755');
    // The configuration may name credentials: not for everyone's eyes.
    expect(mode(join(root, PATHS.config))).toBe('640');
    expect(mode(join(root, '/etc/bladeframe'))).toBe('750');
    expect(sameBytes(join(root, PATHS.bundle), bundle)).toBe(true);
    expect(readFileSync(join(root, PATHS.unit), 'utf8')).toBe(
      readFileSync(join(DEPLOY, 'systemd/bladeframe-agent.service'), 'utf8'),
    );
    const config = readFileSync(join(root, PATHS.config), 'utf8');
    expect(config).toMatch(/^site: lab1 #/m);
    expect(config).toMatch(/^frame: frame-03 #/m); // the example's, as --frame was not given
    expect(config.replace(/^site: .*$/m, '')).toBe(
      readFileSync(join(DEPLOY, 'agent.example.yaml'), 'utf8').replace(/^site: .*$/m, ''),
    );
  });

  it('changes nothing when run again and keeps an existing configuration', () => {
    const root = temp('again');
    const args = ['--root', root, '--bundle', bundle, '--site', 'lab1', '--frame', 'f-1'];
    expect(runScript(INSTALLER, args).status).toBe(0);
    appendFileSync(join(root, PATHS.config), '# edited on the blade\n');
    const before = snapshot(root);
    const again = runScript(INSTALLER, [...args.slice(0, 4), '--site', 'other']);
    expect(again.status).toBe(0);
    expect(snapshot(root)).toEqual(before);
    expect(again.stdout).not.toMatch(/^(installed|created)/m);
    expect(again.stdout.match(/^unchanged /gm)).toHaveLength(3);
    expect(again.stdout).toMatch(/^kept .*agent\.yaml/m);
    expect(again.stderr).toMatch(/--site\/--frame not applied/);
    expect(readFileSync(join(root, PATHS.config), 'utf8')).toMatch(/^site: lab1 #/m);
  });

  it('replaces a changed bundle and nothing else', () => {
    const root = temp('upgrade');
    expect(runScript(INSTALLER, ['--root', root, '--bundle', bundle]).status).toBe(0);
    const newer = join(temp('newer'), 'bladeframe-agent.mjs');
    writeFileSync(newer, readFileSync(bundle, 'utf8') + '\n// rebuilt\n');
    const r = runScript(INSTALLER, ['--root', root, '--bundle', newer]);
    expect(r.status).toBe(0);
    expect(r.stdout.match(/^installed /gm)).toEqual(['installed ']);
    expect(r.stdout).toMatch(/^installed .*bladeframe-agent\.mjs$/m);
    expect(readFileSync(join(root, PATHS.bundle), 'utf8')).toContain('// rebuilt');
  });

  it('refuses an old node, says what is needed, and installs nothing', () => {
    const bin = temp('bin');
    writeFileSync(join(bin, 'node'), '#!/bin/sh\necho v18.19.1\n');
    chmodSync(join(bin, 'node'), 0o755);
    const root = join(work, 'old-node-root');
    const r = runScript(INSTALLER, ['--root', root, '--bundle', bundle], {
      PATH: `${bin}${delimiter}${process.env.PATH}`,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Node.js 20 or newer is needed');
    expect(r.stderr).toContain('v18.19.1');
    expect(r.stderr).toMatch(/nodesource|nodejs\.org/);
    expect(r.stdout).toBe('');
    expect(existsSync(root)).toBe(false);
  });

  it('refuses when there is no node at all', () => {
    const bin = pathWithout('node', temp('nonode'));
    const root = join(work, 'no-node-root');
    const r = runScript(INSTALLER, ['--root', root, '--bundle', bundle], { PATH: bin });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("Node.js 20 or newer is needed, and there is no 'node' on the PATH");
    expect(r.stderr).toMatch(/nodesource|nodejs\.org/);
    expect(existsSync(root)).toBe(false);
  });

  it.skipIf(process.getuid?.() !== 0)('refuses to install on the system unless root', () => {
    const r = runScript(INSTALLER, ['--bundle', bundle], {}, { uid: 65534, gid: 65534 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('run as root to install on this system (or --root DIR');
    expect(r.stdout).toBe('');
  });

  it('refuses a bad site and an unknown option', () => {
    const root = join(work, 'bad-root');
    const bad = runScript(INSTALLER, ['--root', root, '--bundle', bundle, '--site', 'a b']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--site: must be 1-64 of A-Z a-z 0-9 . _ -');
    const unknown = runScript(INSTALLER, ['--root', root, '--bogus']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('unknown option: --bogus');
    expect(existsSync(root)).toBe(false);
    const help = runScript(INSTALLER, ['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--root DIR');
  });

  it('finds the bundle beside the script in a release directory', () => {
    const release = temp('release');
    cpSync(DEPLOY, release, { recursive: true });
    cpSync(bundle, join(release, 'bladeframe-agent.mjs'));
    const root = temp('from-release');
    const r = runScript(join(release, 'install-agent.sh'), ['--root', root]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(sameBytes(join(root, PATHS.bundle), bundle)).toBe(true);
  });

  it('installs a bundle that runs with plain node, as the unit starts it', async () => {
    const root = temp('runs');
    expect(runScript(INSTALLER, ['--root', root, '--bundle', bundle]).status).toBe(0);
    // The unit's ExecStart names exactly what was installed.
    const unit = parseUnit(readFileSync(join(root, PATHS.unit), 'utf8'));
    const exec = unit.get('Service')!.get('ExecStart')![0]!.split(/\s+/);
    expect(exec).toEqual(['/usr/bin/env', 'node', PATHS.bundle, 'run', '--config', PATHS.config]);

    const { stdout, stderr } = await run(
      process.execPath,
      [
        join(root, PATHS.bundle),
        'collect',
        '--json',
        '--config',
        join(root, PATHS.config),
        '--sysfs',
        FIXTURE_SYS,
        '--procfs',
        FIXTURE_PROC,
        '--facts',
        FIXTURE_FACTS,
      ],
      { cwd: root, env: { PATH: process.env.PATH } },
    );
    expect(stderr).toBe('');
    const lines = stdout.trim().split('\n');
    const messages = lines.map((l) => JSON.parse(l) as { topic: string; payload: unknown });
    expect(messages[0]!.topic).toMatch(/^bladeframe\/v1\/nyc1\/frame-03\/[^/]+\/birth$/);
    expect(messages.some((m) => m.topic.endsWith('/health'))).toBe(true);
  });
});

/** Buffer.equals: a deep toEqual walks a 3 MB bundle byte by byte, for seconds. */
function sameBytes(a: string, b: string): boolean {
  return readFileSync(a).equals(readFileSync(b));
}

/** A directory of links to every program on the PATH but `name`. */
function pathWithout(name: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const linked = new Set([name]);
  for (const from of (process.env.PATH ?? '').split(delimiter)) {
    if (!from || !existsSync(from)) continue;
    for (const entry of readdirSync(from)) {
      if (linked.has(entry)) continue;
      linked.add(entry);
      symlinkSync(join(from, entry), join(dir, entry));
    }
  }
  return dir;
}
