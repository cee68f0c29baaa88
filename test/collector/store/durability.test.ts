import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { transactionWithHooks } from '../../../collector/store/after-commit.js';
import {
  groupFlush,
  registerFlush,
  walFlusher,
  whenDurable,
} from '../../../collector/store/durability.js';
import { openStore, type Store } from '../../../collector/store/open-store.js';

/** A flush that finishes when the test says so, counting how many were started. */
function controlledFlush() {
  const started: (() => void)[] = [];
  return {
    started,
    flush: () => new Promise<void>((resolve) => started.push(resolve)),
    finish: async (i: number) => {
      started[i]!();
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('grouped flushes', () => {
  it('shares one flush among callers that arrive while another runs', async () => {
    const control = controlledFlush();
    const flush = groupFlush(control.flush);
    const order: string[] = [];
    const first = flush().then(() => order.push('first'));
    // Committed after the first flush began: these need the next one, and share it.
    const later = [flush(), flush(), flush()].map((p, i) => p.then(() => order.push(`later${i}`)));
    expect(control.started).toHaveLength(1);

    await control.finish(0);
    await first;
    expect(order).toEqual(['first']);
    expect(control.started).toHaveLength(2);

    await control.finish(1);
    await Promise.all(later);
    expect(order).toEqual(['first', 'later0', 'later1', 'later2']);
    expect(control.started).toHaveLength(2);
  });

  it('starts afresh after a failed flush, and reports the failure to its callers', async () => {
    let calls = 0;
    const flush = groupFlush(async () => {
      calls++;
      if (calls === 1) throw new Error('EIO');
    });
    await expect(flush()).rejects.toThrow('EIO');
    await expect(flush()).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });

  it('flushes a real file, and treats a missing one as nothing to flush', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-flush-'));
    try {
      const absent = walFlusher(join(dir, 'absent-wal'));
      await expect(absent.flush()).resolves.toBeUndefined();
      expect(() => absent.flushNow()).not.toThrow();
      writeFileSync(join(dir, 'present-wal'), 'x');
      const present = walFlusher(join(dir, 'present-wal'));
      await expect(present.flush()).resolves.toBeUndefined();
      expect(() => present.flushNow()).not.toThrow();
      present.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a SQLite store on disk', () => {
  let store: Store | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    store = undefined;
  });

  const open = async (sqliteSync?: 'background' | 'commit' | 'off') => {
    dir = mkdtempSync(join(tmpdir(), 'bf-durable-'));
    store = await openStore({ dataDir: dir, ...(sqliteSync ? { sqliteSync } : {}) });
    const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(store.db);
    return rows[0]!.synchronous;
  };

  it('by default commits without waiting for the disk and flushes the log on request', async () => {
    // 1 = NORMAL: the commit itself does not flush.
    expect(await open()).toBe(1);
    await sql`insert into sites (site_id, in_contract, first_seen_at, updated_at) values ('s1', 0, 'x', 'x')`.execute(
      store!.db,
    );
    await expect(whenDurable(store!.db)).resolves.toBeUndefined();
  });

  it('flushes in each commit when told to (synchronous=FULL)', async () => {
    expect(await open('commit')).toBe(2);
  });

  it('holds commit hooks, and the caller, until the batch is durable', async () => {
    await open();
    const control = controlledFlush();
    registerFlush(store!.db, {
      flush: control.flush,
      flushNow: () => undefined,
      close: () => undefined,
    });
    const seen: string[] = [];
    const done = transactionWithHooks(store!.db, async (trx) => {
      await sql`insert into sites (site_id, in_contract, first_seen_at, updated_at) values ('s2', 0, 'x', 'x')`.execute(
        trx,
      );
      const { afterCommit } = await import('../../../collector/store/after-commit.js');
      afterCommit(trx, () => seen.push('hook'));
    }).then(() => seen.push('resolved'));

    await new Promise((resolve) => setTimeout(resolve, 20));
    // Committed (another connection would see the row) but not yet flushed: nobody told.
    expect(control.started).toHaveLength(1);
    expect(seen).toEqual([]);
    await control.finish(0);
    await done;
    expect(seen).toEqual(['hook', 'resolved']);
    registerFlush(store!.db, {
      flush: () => Promise.resolve(),
      flushNow: () => undefined,
      close: () => undefined,
    });
  });

  it('needs no flush in memory', async () => {
    store = await openStore({ sqliteFile: ':memory:' });
    await expect(whenDurable(store.db)).resolves.toBeUndefined();
  });
});
