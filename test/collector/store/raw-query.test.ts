import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../collector/store/open-store.js';
import { runRaw } from '../../../collector/store/raw-query.js';
import { storeTargets } from '../../support/stores.js';

describe.each(storeTargets)('raw statements on $name', (target) => {
  let store: Store;
  beforeEach(async () => {
    store = await target.open();
  });
  afterEach(() => store.close());

  const p = (n: number) => (store.dialect === 'postgres' ? `$${n}` : '?');
  const insert = () =>
    `insert into fleet_marks (name, value, updated_at) values (${p(1)}, ${p(2)}, ${p(3)})`;
  const select = () => `select name, value from fleet_marks where name = ${p(1)}`;

  it('runs inside a transaction as part of it, and outside one', async () => {
    await store.db.transaction().execute(async (trx) => {
      expect(await runRaw(trx, insert(), ['a', 1, 'now'])).toEqual([]);
      // The transaction's own write is visible to it, through either path.
      const rows = await runRaw<{ name: string; value: number | string }>(trx, select(), ['a']);
      expect(rows.map((r) => [r.name, Number(r.value)])).toEqual([['a', 1]]);
      const viaKysely = await trx
        .selectFrom('fleet_marks')
        .select('name')
        .where('name', '=', 'a')
        .execute();
      expect(viaKysely).toHaveLength(1);
    });
    const outside = await runRaw<{ name: string }>(store.db, select(), ['a']);
    expect(outside.map((r) => r.name)).toEqual(['a']);
  });

  it('is undone with the transaction that ran it', async () => {
    await expect(
      store.db.transaction().execute(async (trx) => {
        await runRaw(trx, insert(), ['b', 2, 'now']);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await runRaw(store.db, select(), ['b'])).toEqual([]);
  });

  it('fails as the statement fails, leaving the transaction to roll back', async () => {
    await runRaw(store.db, insert(), ['c', 3, 'now']);
    await expect(
      store.db.transaction().execute((trx) => runRaw(trx, insert(), ['c', 4, 'now'])),
    ).rejects.toThrow(/unique|duplicate/i);
    const rows = await runRaw<{ value: number | string }>(store.db, select(), ['c']);
    expect(rows.map((r) => Number(r.value))).toEqual([3]);
  });
});
