import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Kysely's SQLite driver prepares every query anew, and preparing costs more than running a
 * small statement. The collector runs the same few query shapes over and over (parameters are
 * bound, not inlined), so statements are kept by their SQL text, least recently used dropped.
 * Safe because the driver runs one query at a time on its single connection.
 */
export function withStatementCache(database: SqliteDatabase, size = 500): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    prepare(sql: string): SqliteStatement {
      let statement = cache.get(sql);
      if (statement) {
        // Most recently used last.
        cache.delete(sql);
      } else {
        statement = database.prepare(sql);
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, statement);
      return statement;
    },
    close(): void {
      cache.clear();
      database.close();
    },
  };
}
