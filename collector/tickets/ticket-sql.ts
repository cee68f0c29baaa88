import { isPostgres } from '../store/dialect.js';
import { runRaw, type QueryRunner } from '../store/raw-query.js';

/**
 * A hot statement of the ticket store, written once as SQL text. Building and compiling a Kysely
 * query for every statement cost more CPU than SQLite's work for it, and every fault event runs
 * several; the text never changes, so it is also prepared once (the SQLite statement cache).
 */
export interface Statement {
  sqlite: string;
  /** The same text with PostgreSQL's numbered placeholders. */
  postgres: string;
}

/**
 * `sqlite` with `?` placeholders; `postgres`, when it differs (row locks), with `?` too: they
 * are numbered here. Neither may hold a `?` other than a placeholder.
 */
export function statement(sqlite: string, postgres = sqlite): Statement {
  let n = 0;
  return { sqlite, postgres: postgres.replace(/\?/g, () => `$${++n}`) };
}

/** Runs `s` with its parameters in placeholder order; the rows it returns, if any. */
export async function run<R>(
  db: QueryRunner,
  s: Statement,
  parameters: readonly unknown[],
): Promise<R[]> {
  return runRaw<R>(db, isPostgres(db) ? s.postgres : s.sqlite, parameters);
}
