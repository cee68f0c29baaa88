import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKSTOP_CHECKPOINT_PAGES, Checkpointer } from '../../../collector/store/checkpointer.js';
import { openStore, type Store } from '../../../collector/store/open-store.js';
import { until } from '../../support/wait.js';

describe('checkpoints on a thread of their own', () => {
  const dirs: string[] = [];
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-ckpt-'));
    dirs.push(dir);
    return dir;
  };

  it('copies the log into the database file while another connection writes', async () => {
    const file = join(tempDir(), 'db.sqlite');
    const writer = new SQLite(file);
    cleanups.push(() => void writer.close());
    writer.pragma('journal_mode = WAL');
    // The writer never checkpoints by itself here: only the thread can have done it.
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('create table t (k integer primary key, v text)');
    const checkpointer = Checkpointer.start({ file, walBytes: 64 * 1024, intervalMs: 10 });
    cleanups.push(() => checkpointer.stop());
    const before = statSync(file).size;
    const insert = writer.prepare('insert into t (v) values (?)');
    const rows = writer.transaction((n: number) => {
      for (let i = 0; i < n; i++) insert.run('x'.repeat(500));
    });
    rows(2000);

    await until(() => checkpointer.stats.frames > 0, { what: 'a checkpoint' });
    expect(checkpointer.stats.lastError).toBeNull();
    // The rows are in the database file itself now, not only in the log.
    expect(statSync(file).size).toBeGreaterThan(before + 500_000);
    expect(writer.prepare('select count(*) as n from t').get()).toEqual({ n: 2000 });
  });

  it('leaves the committing connection only a distant backstop, and stops with the store', async () => {
    const store: Store = await openStore({ dataDir: tempDir() });
    const { rows } = await sql<{
      wal_autocheckpoint: number;
    }>`pragma wal_autocheckpoint`.execute(store.db);
    expect(rows[0]!.wal_autocheckpoint).toBe(BACKSTOP_CHECKPOINT_PAGES);
    await store.close();
  });

  it('checkpoints in the commits when told to (short-lived commands)', async () => {
    const store = await openStore({ dataDir: tempDir(), sqliteCheckpoint: 'inline' });
    const { rows } = await sql<{
      wal_autocheckpoint: number;
    }>`pragma wal_autocheckpoint`.execute(store.db);
    expect(rows[0]!.wal_autocheckpoint).toBe(1000);
    await store.close();
  });
});
