import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../collector/store/open-store.js';
import { selectIn } from '../../../collector/store/select-in.js';
import { storeTargets } from '../../support/stores.js';

describe.each(storeTargets)('selectIn on $name', (target) => {
  let store: Store;
  beforeEach(async () => {
    store = await target.open();
    for (let i = 0; i < 700; i++) {
      await sql`
        insert into sites (site_id, in_contract, first_seen_at, updated_at)
        values (${`s${i}`}, ${i % 2}, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')
      `.execute(store.db);
    }
  });
  afterEach(() => store.close());

  const ids = (n: number) => Array.from({ length: n }, (_, i) => `s${i}`);
  const select = (keys: string[]) =>
    selectIn<{ site_id: string; in_contract: number }>(store.db, {
      table: 'sites',
      columns: ['site_id', 'in_contract'],
      key: 'site_id',
      keys,
    });

  it('returns each matching row once, for lists of any length', async () => {
    for (const n of [1, 3, 150, 512, 513, 700]) {
      const rows = await select([...ids(n), 'nowhere']);
      expect(rows.map((r) => r.site_id).sort()).toEqual(ids(n).sort());
    }
    expect((await select(['s7']))[0]).toEqual({ site_id: 's7', in_contract: 1 });
  });

  it('returns nothing for no keys, or keys that match nothing', async () => {
    expect(await select([])).toEqual([]);
    expect(await select(['x', 'y', 'z'])).toEqual([]);
  });
});
