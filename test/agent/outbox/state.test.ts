import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isBladeframeError } from '../../../shared/errors.js';
import { lockHolder, openStateDir, StateLock } from '../../../agent/state/lock.js';
import { PersistentSequence } from '../../../agent/state/sequence.js';

const dir = () => mkdtempSync(join(tmpdir(), 'bf-state-'));

describe('persistent sequence', () => {
  it('continues across restarts within a boot, never repeating, and restarts with a new boot', () => {
    const d = dir();
    const first = new PersistentSequence(d, 'boot-a', 0);
    const used = [first.next(), first.next(), first.next()];
    expect(used).toEqual([0, 1, 2]);
    const second = new PersistentSequence(d, 'boot-a', 0);
    const next = second.next();
    expect(next).toBeGreaterThan(2);
    for (let i = 0; i < 200; i++) expect(second.next()).toBe(next + 1 + i);
    const third = new PersistentSequence(d, 'boot-a', 0);
    expect(third.next()).toBeGreaterThan(next + 200);
    expect(new PersistentSequence(d, 'boot-b', 0).next()).toBe(0);
  });

  it('without its file, starts past anything this boot can have used', () => {
    const d = dir();
    writeFileSync(join(d, 'sequence.json'), '{"torn');
    expect(new PersistentSequence(d, 'boot-a', 183_400_520).next()).toBe(183_400_520);
  });
});

describe('state directory lock', () => {
  it('lets one process own the directory and takes over a dead one', async () => {
    const d = dir();
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      writeFileSync(join(d, 'agent.lock'), `${sleeper.pid}\n`);
      expect(lockHolder(d)).toBe(sleeper.pid);
      const error = (() => {
        try {
          openStateDir(d);
        } catch (e) {
          return e;
        }
      })();
      expect(isBladeframeError(error, 'BF_OUTBOX_LOCKED')).toBe(true);
    } finally {
      sleeper.kill('SIGKILL');
      await once(sleeper, 'exit');
    }
    // The holder died: its lock is stale.
    expect(lockHolder(d)).toBeUndefined();
    const { lock } = openStateDir(d);
    lock.release();
    const again = new StateLock(d);
    again.acquire();
    again.release();
  });

  it('refuses clearly where the directory cannot be made', () => {
    const file = join(dir(), 'file');
    writeFileSync(file, '');
    expect(() => openStateDir(join(file, 'state'))).toThrow(/not writable: .*file\/state: ENOTDIR/);
  });
});
