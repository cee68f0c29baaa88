import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from '../../collector/store/open-store.js';

/**
 * The stores every store test runs on: SQLite always, PostgreSQL when DATABASE_URL names one
 * (CI points it at the machine's server). Each opened store is private to its test: a fresh
 * SQLite file in memory, or a fresh PostgreSQL schema dropped on close.
 */
export interface StoreTarget {
  name: 'sqlite' | 'postgres';
  open(): Promise<Store>;
}

const databaseUrl = process.env.DATABASE_URL;
const postgresUrl = databaseUrl?.match(/^postgres(ql)?:/) ? databaseUrl : undefined;

export const storeTargets: StoreTarget[] = [
  { name: 'sqlite', open: () => openStore({ sqliteFile: ':memory:' }) },
  ...(postgresUrl
    ? [{ name: 'postgres' as const, open: () => openPostgresSchema(postgresUrl) }]
    : []),
];

async function openPostgresSchema(url: string): Promise<Store> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const store = await openStore({ databaseUrl: url, pgSchema: schema });
  return {
    ...store,
    async close() {
      await store.close();
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      await cleanup.query(`DROP SCHEMA ${schema} CASCADE`);
      await cleanup.end();
    },
  };
}
