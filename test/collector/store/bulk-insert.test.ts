import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bulkInsert } from '../../../collector/store/bulk-insert.js';
import type { Store } from '../../../collector/store/open-store.js';
import { storeTargets } from '../../support/stores.js';

describe.each(storeTargets)('bulk insert on $name', (target) => {
  let store: Store;
  beforeEach(async () => {
    store = await target.open();
    await sql`create temporary table bulk_rows (k integer primary key, v text)`.execute(store.db);
  });
  afterEach(async () => {
    await sql`drop table bulk_rows`.execute(store.db);
    await store.close();
  });

  it('inserts any number of rows in power-of-two chunks, and returns what the suffix asks', async () => {
    const rows = Array.from({ length: 700 }, (_, i) => [i, `v${i}`]);
    const returned = await bulkInsert<{ k: number }>(store.db, {
      table: 'bulk_rows',
      columns: ['k', 'v'],
      rows,
      suffix: 'returning "k"',
    });
    expect(returned.map((r) => Number(r.k))).toEqual(rows.map((r) => r[0]));
    const { rows: count } = await sql<{ n: number }>`select count(*) as n from bulk_rows`.execute(
      store.db,
    );
    expect(Number(count[0]!.n)).toBe(700);
  });

  it('upserts and skips as the conflict clause says, with nulls bound as nulls', async () => {
    await bulkInsert(store.db, {
      table: 'bulk_rows',
      columns: ['k', 'v'],
      rows: [
        [1, 'a'],
        [2, null],
      ],
    });
    const skipped = await bulkInsert<{ k: number }>(store.db, {
      table: 'bulk_rows',
      columns: ['k', 'v'],
      rows: [
        [1, 'again'],
        [3, 'c'],
      ],
      suffix: 'on conflict ("k") do nothing returning "k"',
    });
    expect(skipped.map((r) => Number(r.k))).toEqual([3]);
    await bulkInsert(store.db, {
      table: 'bulk_rows',
      columns: ['k', 'v'],
      rows: [[2, 'b']],
      suffix: 'on conflict ("k") do update set "v" = excluded."v"',
    });
    const { rows } = await sql<{
      k: number;
      v: string | null;
    }>`select k, v from bulk_rows order by k`.execute(store.db);
    expect(rows.map((r) => [Number(r.k), r.v])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
  });

  it('does nothing for no rows', async () => {
    expect(await bulkInsert(store.db, { table: 'bulk_rows', columns: ['k'], rows: [] })).toEqual(
      [],
    );
  });
});
