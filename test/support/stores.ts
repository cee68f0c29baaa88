import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/**
 * Where a whole collector under test keeps its data: a fresh SQLite directory, or (when
 * DATABASE_URL names PostgreSQL) a URL whose search_path is a fresh private schema. The same
 * location may be opened again (a restarted collector); `drop()` removes it at the end.
 */
export interface TestDataLocation {
  dataDir: string;
  databaseUrl: string | undefined;
  drop(): Promise<void>;
}

export interface CollectorStoreTarget {
  name: 'sqlite' | 'postgres';
  create(): Promise<TestDataLocation>;
}

export const collectorStoreTargets: CollectorStoreTarget[] = [
  { name: 'sqlite', create: async () => sqliteLocation() },
  ...(postgresUrl
    ? [{ name: 'postgres' as const, create: () => postgresLocation(postgresUrl) }]
    : []),
];

function sqliteLocation(): TestDataLocation {
  const dataDir = mkdtempSync(join(tmpdir(), 'bf-collector-'));
  return {
    dataDir,
    databaseUrl: undefined,
    drop: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

async function postgresLocation(baseUrl: string): Promise<TestDataLocation> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const local = sqliteLocation();
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    dataDir: local.dataDir,
    databaseUrl: url.toString(),
    async drop() {
      await local.drop();
      const cleanup = new pg.Client({ connectionString: baseUrl });
      await cleanup.connect();
      await cleanup.query(`DROP SCHEMA ${schema} CASCADE`);
      await cleanup.end();
    },
  };
}
