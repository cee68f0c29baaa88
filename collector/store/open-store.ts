import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type MigrationProvider } from 'kysely';
import pg from 'pg';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { DialectName } from './dialect.js';
import { CurrentSchemaPostgresDialect } from './scoped-postgres.js';
import { withStatementCache } from './statement-cache.js';
import {
  flushDirectory,
  registerFlush,
  walFlusher,
  whenDurable,
  type SqliteSync,
} from './durability.js';
import { BACKSTOP_CHECKPOINT_PAGES, Checkpointer } from './checkpointer.js';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';
import { registerSqliteConnection } from './raw-query.js';
import { withoutPassword } from '../../shared/redact-url.js';

export interface Store {
  db: Kysely<Database>;
  /**
   * For reads that must not queue behind a writer's transaction (the live stream). SQLite's one
   * connection is held by ingest for a whole batch; a second, read-only connection to the same
   * file sees every commit at once (WAL). PostgreSQL's pool already serves both: the same `db`.
   */
  reader: Kysely<Database>;
  dialect: DialectName;
  /** Where it lives, with any password removed (for logs and /healthz). */
  location: string;
  /**
   * The SQLite write-ahead log whose flush the collector makes itself (`sqliteSync`
   * `background`): another thread may flush it (any descriptor flushes the file). Else null.
   */
  flushedLog?: string | null;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** `postgres://...` for PostgreSQL; absent for SQLite. */
  databaseUrl?: string | undefined;
  /** Directory of the SQLite file when no URL is given (default ./data). */
  dataDir?: string | undefined;
  /** A SQLite file path (overrides dataDir), or ':memory:'. */
  sqliteFile?: string | undefined;
  /** PostgreSQL schema to use (tests isolate themselves this way). */
  pgSchema?: string | undefined;
  /** How SQLite commits reach the disk (default `background`; see durability.ts). */
  sqliteSync?: SqliteSync;
  /**
   * Where SQLite checkpoints the log into the database file: `background` (default for a
   * file), on a thread of its own; `inline`, in the commit that crosses SQLite's threshold
   * (short-lived commands, which are gone before a thread would start).
   */
  sqliteCheckpoint?: 'background' | 'inline';
  /** Reuse prepared SQLite statements (default true; false only to measure what it saves). */
  sqliteStatementCache?: boolean;
  logger?: Logger;
}

const staticProvider: MigrationProvider = { getMigrations: async () => migrations };

/** Opens the store named by the options and brings its schema up to date. */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const logger = options.logger ?? silentLogger;
  const store = options.databaseUrl?.match(/^postgres(ql)?:/)
    ? openPostgres(options.databaseUrl, options.pgSchema)
    : openSqlite(options);
  try {
    await migrate(store.db, logger);
  } catch (error) {
    await store.close();
    throw error;
  }
  // The log file now exists; its name must survive power loss as well as its contents.
  if (store.dialect === 'sqlite' && store.location !== ':memory:') {
    await flushDirectory(dirname(store.location));
  }
  logger.info({ store: store.location, dialect: store.dialect }, 'store ready');
  return store;
}

function openSqlite(options: StoreOptions): Store {
  const file = options.sqliteFile ?? join(options.dataDir ?? './data', 'bladeframe.sqlite');
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  const sync = options.sqliteSync ?? 'background';
  database.pragma(`synchronous = ${sync === 'commit' ? 'FULL' : 'NORMAL'}`);
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  const cached = (d: SQLite.Database) =>
    options.sqliteStatementCache === false ? d : withStatementCache(d);
  const connection = cached(database);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) });
  registerSqliteConnection(db, connection);
  const flusher = sync === 'background' && file !== ':memory:' ? walFlusher(`${file}-wal`) : null;
  if (flusher) registerFlush(db, flusher);
  let checkpointer: Checkpointer | undefined;
  if ((options.sqliteCheckpoint ?? 'background') === 'background' && file !== ':memory:') {
    database.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
    checkpointer = Checkpointer.start({ file }, options.logger);
  }
  let reader = db;
  if (file !== ':memory:') {
    // Opened on first use, after the migrations have created the file's tables.
    reader = new Kysely<Database>({
      dialect: new SqliteDialect({
        database: async () => {
          const readonly = new SQLite(file, { readonly: true });
          readonly.pragma('busy_timeout = 5000');
          return cached(readonly);
        },
      }),
    });
  }
  return {
    db,
    reader,
    dialect: 'sqlite',
    location: file,
    flushedLog: flusher ? `${file}-wal` : null,
    close: async () => {
      await whenDurable(db);
      flusher?.close();
      await checkpointer?.stop();
      if (reader !== db) await reader.destroy();
      await db.destroy();
    },
  };
}

function openPostgres(url: string, schema?: string): Store {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client losing its server must not crash the process; queries report their own errors.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool }) });
  const location = withoutPassword(url);
  return {
    db,
    reader: db,
    dialect: 'postgres',
    location,
    close: () => db.destroy(),
  };
}

async function migrate(db: Kysely<Database>, logger: Logger): Promise<void> {
  const migrator = new Migrator({ db, provider: staticProvider });
  const { error, results } = await migrator.migrateToLatest();
  for (const result of results ?? []) {
    logger.info({ migration: result.migrationName, status: result.status }, 'migration');
  }
  if (error) throw error;
}
