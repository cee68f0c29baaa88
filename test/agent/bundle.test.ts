import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
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
