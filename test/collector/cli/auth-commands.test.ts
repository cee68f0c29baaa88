import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerAuthCommands } from '../../../collector/cli/auth-commands.js';
import type { CliOutput } from '../../../collector/cli/cli-output.js';
import { AuthService } from '../../../collector/auth/auth-service.js';
import { openStore } from '../../../collector/store/open-store.js';
import { systemClock } from '../../../shared/clock.js';

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

let dir: string;
let config: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bf-auth-cli-'));
  config = join(dir, 'collector.yaml');
  writeFileSync(config, `store:\n  dataDir: ${join(dir, 'data')}\n`);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the collector CLI in-process against the test's own store. */
async function run(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const io: CliOutput = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    exit: (code) => {
      throw new Exit(code);
    },
  };
  const program = new Command('bladeframe-collector').exitOverride();
  // No environment: the store is the test's own even when DATABASE_URL names a server.
  registerAuthCommands(program, io, {});
  try {
    await program.parseAsync([...args, '--config', config], { from: 'user' });
    return { out, err, code: 0 };
  } catch (error) {
    if (error instanceof Exit) return { out, err, code: error.code };
    throw error;
  }
}

/** Whether a token works against the same store, as the running collector would check it. */
async function works(token: string): Promise<string | undefined> {
  const store = await openStore({ dataDir: join(dir, 'data') });
  try {
    return (await new AuthService(store.db, systemClock).authenticate(token))?.name;
  } finally {
    await store.close();
  }
}

describe('users and tokens commands', () => {
  it('adds, lists and disables people', async () => {
    const added = await run('users', 'add', '--name', 'ana', '--role', 'engineer', '--token');
    expect(added.code).toBe(0);
    expect(added.out).toMatch(/^added ana \(engineer\), id u_[0-9a-f]+$/m);
    const token = added.out.match(/^(bft_\S+)$/m)![1]!;
    expect(await works(token)).toBe('ana');

    await run(
      'users',
      'add',
      '--name',
      'dana',
      '--role',
      'customer',
      '--email',
      'dana@example.com',
    );
    const listed = await run('users', 'list');
    expect(listed.out.split('\n')[0]).toMatch(/^ID\s+NAME\s+ROLE\s+EMAIL/);
    expect(listed.out).toMatch(/ana\s+engineer/);
    expect(listed.out).toMatch(/dana\s+customer\s+dana@example\.com/);
    const json = JSON.parse((await run('users', 'list', '--json')).out);
    expect(json.map((u: { name: string }) => u.name)).toEqual(['ana', 'dana']);

    expect((await run('users', 'disable', 'ana')).out).toBe('disabled ana\n');
    expect(await works(token)).toBeUndefined();
  });

  it('creates tokens (printed once, alone on stdout), lists and revokes them', async () => {
    await run('users', 'add', '--name', 'lee', '--role', 'operations');
    const created = await run(
      'tokens',
      'create',
      '--user',
      'lee',
      '--label',
      'grafana',
      '--expires',
      '90d',
    );
    expect(created.code).toBe(0);
    expect(created.out).toMatch(/^bft_\S+\n$/);
    expect(created.err).toMatch(/^token tok_[0-9a-f]{16} for lee \(operations\); shown once:/);
    const token = created.out.trim();
    expect(await works(token)).toBe('lee');

    const listed = await run('tokens', 'list', '--user', 'lee');
    expect(listed.out).toMatch(/tok_[0-9a-f]{16}\s+lee\s+grafana/);
    expect(listed.out).not.toContain(token);
    const [record] = JSON.parse((await run('tokens', 'list', '--json')).out);
    expect(record.expiresAt).not.toBeNull();

    expect((await run('tokens', 'revoke', record.id)).out).toBe(`revoked ${record.id}\n`);
    expect(await works(token)).toBeUndefined();
  });

  it('exits 2 with a clear line on bad input', async () => {
    const role = await run('users', 'add', '--name', 'x', '--role', 'boss');
    expect(role.code).toBe(2);
    expect(role.err).toMatch(/^ {2}--role: one of operations, engineer, customer, admin$/m);
    await run('users', 'add', '--name', 'x', '--role', 'customer');
    const twice = await run('users', 'add', '--name', 'x', '--role', 'customer');
    expect(twice.code).toBe(2);
    expect(twice.err).toMatch(/a user named "x" exists/);
    expect((await run('tokens', 'create', '--user', 'nobody')).err).toMatch(
      /not found: user nobody/,
    );
    expect((await run('tokens', 'create', '--user', 'x', '--expires', 'soon')).code).toBe(2);
    expect((await run('tokens', 'revoke', 'tok_0000000000000000')).code).toBe(2);
    expect((await run('users', 'disable', 'nobody')).code).toBe(2);
  });
});
