import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectFile } from '../shared/paths.js';

/**
 * The README's first command, `npm start`, on a machine with no broker and no database server:
 * the collector on its embedded broker and a SQLite file, and this machine's agent reporting
 * to it; the link it prints logs straight in.
 */
describe('npm start (the quick start)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bf-quickstart-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  // The embedded defaults, whatever servers this machine has.
  delete env.MQTT_URL;
  delete env.DATABASE_URL;
  delete env.HTTP_PORT;
  delete env.MQTT_PORT;
  let child: ChildProcess | undefined;
  let output = '';

  afterAll(() => {
    // Its own process group: nothing it started outlives the test, whatever happened.
    if (child?.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });

  async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000) {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const value = await probe().catch(() => undefined);
      if (value !== undefined) return value;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${what} within ${ms} ms; output:\n${output}`);
  }

  it('runs the collector and this machine agent, and stops both on Ctrl-C', async () => {
    child = spawn(process.execPath, ['scripts/quickstart.mjs'], {
      cwd: projectFile('.'),
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));

    const link = await until(
      'no dashboard link',
      async () => /dashboard\s+(http:\/\/\S+)\/#token=(bft_\S+)/.exec(output) ?? undefined,
    );
    const [, base, token] = link;
    expect(readFileSync(join(dataDir, 'admin-token'), 'utf8').trim()).toBe(token);
    const get = async (path: string) => {
      const response = await fetch(`${base}${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return {
        status: response.status,
        body: (await response.json()) as Record<string, unknown[]>,
      };
    };
    expect((await fetch(`${base}/`)).headers.get('content-type')).toMatch(/text\/html/);

    // The agent of this machine calls home: its blade appears, online.
    const blade = await until('no blade reported', async () => {
      const { body } = await get('/api/blades');
      return (body.blades as { state: string; siteId: string }[]).find((b) => b.state === 'online');
    });
    expect(blade.siteId, output).toBe('nj1');

    // A test call through the whole path, as the banner suggests.
    const call = spawnSync(process.execPath, ['bin/bladeframe-agent.js', 'test-event'], {
      cwd: projectFile('.'),
      env: { ...env, BLADEFRAME_STATE_DIR: join(dataDir, 'agent') },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(call.status, `${call.stdout}${call.stderr}\n${output}`).toBe(0);
    await until('no test ticket', async () => {
      const { body } = await get('/api/tickets?test=true');
      return body.tickets!.length === 1 ? true : undefined;
    });

    const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exited, output).toBe(0);
    // Both children are gone with it, and soon whatever they had started (a probe's helper
    // process, such as lsblk for the inventory, may still be finishing).
    await until(
      'processes of the quick start still running',
      async () => {
        try {
          process.kill(-child!.pid!, 0);
          return undefined;
        } catch {
          return true;
        }
      },
      10_000,
    );
    expect(output).not.toMatch(/stopped \(exit/);
  }, 150_000);
});
