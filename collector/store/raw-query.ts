import { CompiledQuery, type Kysely, type SqliteDatabase } from 'kysely';

/** Any Kysely instance or transaction, whatever its tables. */
export type QueryRunner = Pick<Kysely<unknown>, 'executeQuery' | 'getExecutor' | 'isTransaction'>;

/** Each SQLite store's connection, by the adapter its Kysely instance and transactions share. */
const connections = new WeakMap<object, SqliteDatabase>();

/** Lets `runRaw` reach `database`, the one connection behind the SQLite store `db`. */
export function registerSqliteConnection(
  db: Pick<Kysely<unknown>, 'getExecutor'>,
  database: SqliteDatabase,
): void {
  connections.set(db.getExecutor().adapter, database);
}

/**
 * Runs fixed SQL text with its parameters (placeholders as the dialect writes them); the rows it
 * returns. Inside a transaction on SQLite the statement runs straight on the connection, which
 * the transaction holds (nothing else can use it until it ends, and better-sqlite3 runs each
 * statement to completion): for the small statements ingest runs by the thousand, Kysely's
 * executor (a frozen query object, the connection handed over, the result mapped, a promise a
 * step) cost as much as SQLite's own work.
 */
export async function runRaw<R>(
  db: QueryRunner,
  text: string,
  parameters: readonly unknown[],
): Promise<R[]> {
  if (db.isTransaction) {
    const connection = connections.get(db.getExecutor().adapter);
    if (connection) {
      const statement = connection.prepare(text);
      if (statement.reader) return statement.all(parameters) as R[];
      statement.run(parameters);
      return [];
    }
  }
  const result = await db.executeQuery<R>(CompiledQuery.raw(text, parameters as unknown[]));
  return result.rows;
}
