import {
  PostgresAdapter,
  sql,
  type ColumnDefinitionBuilder,
  type CreateTableBuilder,
} from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

/** The dialect of a Kysely instance or transaction, from its adapter. */
export function dialectOf(db: { getExecutor(): { adapter: object } }): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** Whether a Kysely instance or transaction talks to PostgreSQL (the hot paths' fixed SQL). */
export function isPostgres(db: { getExecutor(): { adapter: object } }): boolean {
  return dialectOf(db) === 'postgres';
}

/** Adds an auto-incrementing integer primary key named `id` in either dialect. */
export function withSerialId<T extends string>(
  table: CreateTableBuilder<T, never>,
  dialect: DialectName,
  name = 'id',
): CreateTableBuilder<T, string> {
  return dialect === 'postgres'
    ? table.addColumn(name, 'bigserial', (c: ColumnDefinitionBuilder) => c.primaryKey())
    : table.addColumn(name, 'integer', (c: ColumnDefinitionBuilder) =>
        c.primaryKey().autoIncrement(),
      );
}

/** `now()` as ISO text, for defaults. */
export function isoNowDefault(dialect: DialectName) {
  return dialect === 'postgres'
    ? sql`(to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`
    : sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;
}
