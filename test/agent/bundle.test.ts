import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleAgent } from '../../scripts/agent-bundle.mjs';
import { FIXTURE_FACTS, FIXTURE_PROC, FIXTURE_SYS } from './support/fixtures.js';
import { COLLECT_GOLDEN, normaliseCollect } from './support/golden.js';
import { readFileSync } from 'node:fs';

const run = promisify(execFile);

/** No node_modules in the directory or any parent: what a blade has. */
function hasNodeModulesAbove(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) return true;
    if (dirname(d) === d) return false;
  }
}

describe('the one-file bundle', () => {
  let bundle: string;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bf-bundle-'));
    bundle = join(dir, 'bladeframe-agent.mjs');
    await bundleAgent(bundle);
  });

  it('runs collect --json with plain node and no node_modules, as the golden says', async () => {
    expect(hasNodeModulesAbove(dir)).toBe(false);
    const { stdout, stderr } = await run(
      process.execPath,
      [
        bundle,
        'collect',
        '--json',
        '--sysfs',
        FIXTURE_SYS,
        '--procfs',
        FIXTURE_PROC,
        '--facts',
        FIXTURE_FACTS,
      ],
      {
        cwd: dir,
        env: { PATH: process.env.PATH, BLADEFRAME_SITE: 'nyc1', BLADEFRAME_FRAME: 'frame-03' },
      },
    );
    expect(stderr).toBe('');
    expect(normaliseCollect(stdout, { observedAt: true })).toBe(
      normaliseCollect(readFileSync(COLLECT_GOLDEN, 'utf8'), { observedAt: true }),
    );
  });

  it('exits 2 on a bad configuration and prints its version', async () => {
    const bad = await run(process.execPath, [bundle, 'collect'], {
      cwd: dir,
      env: { PATH: process.env.PATH, BLADEFRAME_SITE: 'a b' },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(bad).toMatchObject({ code: 2, stderr: 'site: must be 1-64 of A-Z a-z 0-9 . _ -\n' });
    const { stdout } = await run(process.execPath, [bundle, '--version'], { cwd: dir });
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('the bundle as an unprivileged service', () => {
  it('runs against the real /sys and /proc as nobody, state under a given directory', async () => {
    const { chmodSync } = await import('node:fs');
    const { spawn } = await import('node:child_process');
    const { startTestBroker, uniqueSite } = await import('../support/broker.js');
    const { Subscriber } = await import('./support/subscriber.js');
    const dir = mkdtempSync(join(tmpdir(), 'bf-unpriv-'));
    chmodSync(dir, 0o777);
    const bundle = join(dir, 'bladeframe-agent.mjs');
    await bundleAgent(bundle);
    chmodSync(bundle, 0o644);
    const broker = await startTestBroker();
    const site = uniqueSite('unpriv');
    const sub = await Subscriber.start(broker, site);
    const asRoot = process.getuid?.() === 0;
    const child = spawn(process.execPath, [bundle, 'run'], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        BLADEFRAME_SITE: site,
        BLADEFRAME_STATE_DIR: join(dir, 'state'),
        BLADEFRAME_MQTT_URL: broker.url,
        BLADEFRAME_MQTT_PROTOCOL_VERSION: String(broker.protocolVersion),
        BLADEFRAME_MQTT_CLIENT_ID: `unpriv-${site}`,
        BLADEFRAME_MQTT_SESSION_EXPIRY: '1m',
      },
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      await sub.until((ms) => ms.some((m) => m.kind === 'health'), 20_000, 'health');
      const health = sub.of('health')[0]!.payload as unknown as {
        probes: { name: string; ok: boolean; error?: string }[];
        memory: { totalBytes: number };
      };
      expect(health.memory.totalBytes).toBeGreaterThan(0);
      const failed = health.probes.filter((p) => !p.ok);
      // Unprivileged, a probe may be denied a root-only file; then it says so, by name.
      for (const p of failed) expect(p.error).toMatch(/EACCES|EPERM/);
      expect(health.probes.find((p) => p.name === 'system')?.ok).toBe(true);
    } finally {
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number];
      await sub.stop();
      await broker.stop();
      expect(stderr).toBe('');
      expect(code).toBe(0);
    }
  });
});
