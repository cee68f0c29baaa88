import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { storeTargets } from '../../support/stores.js';

describe.each(storeTargets)('store on $name', (target) => {
  it('opens, migrates and answers a query', async () => {
    const store = await target.open();
    try {
      const result = await sql<{ one: number }>`select 1 as one`.execute(store.db);
      expect(Number(result.rows[0]?.one)).toBe(1);
      expect(store.dialect).toBe(target.name);
    } finally {
      await store.close();
    }
  });
});
