import { isPostgres } from './dialect.js';
import { runRaw, type QueryRunner } from './raw-query.js';

export type { QueryRunner };

export interface BulkInsert {
  table: string;
  columns: readonly string[];
  /** One array of values per row, in `columns` order (text, numbers or null). */
  rows: readonly (readonly unknown[])[];
  /** What follows the values: `on conflict ... do ...`, `returning ...`. */
  suffix?: string;
}

/** Most rows in one statement: a blade's 29 columns × 256 stays well under SQLite's 32,766 parameters. */
const MAX_ROWS = 256;

/**
 * A multi-row insert compiled by hand, for ingest's hot path. Kysely's compiler visits every
 * value of every row, which cost more than SQLite's work for a batch of a few hundred rows; and
 * rows go in chunks of a power of two (256, 128, ... 1), so a batch of any size uses at most
 * nine statement shapes, which the SQLite statement cache keeps prepared.
 */
export async function bulkInsert<R = unknown>(db: QueryRunner, insert: BulkInsert): Promise<R[]> {
  const postgres = isPostgres(db);
  const out: R[] = [];
  const width = insert.columns.length;
  let start = 0;
  while (start < insert.rows.length) {
    let size = MAX_ROWS;
    while (size > insert.rows.length - start) size >>= 1;
    const parameters = new Array<unknown>(size * width);
    for (let r = 0; r < size; r++) {
      const row = insert.rows[start + r]!;
      for (let c = 0; c < width; c++) parameters[r * width + c] = row[c];
    }
    start += size;
    const text = statementText(insert, size, postgres);
    for (const row of await runRaw<R>(db, text, parameters)) out.push(row);
  }
  return out;
}

/** The statement for `rows` rows, built once per shape (ingest asks for the same few shapes). */
const texts = new Map<string, string>();

function statementText(insert: BulkInsert, rows: number, postgres: boolean): string {
  const key = `${postgres ? 'pg' : 'sqlite'}|${insert.table}|${insert.columns.join(',')}|${rows}|${insert.suffix ?? ''}`;
  let text = texts.get(key);
  if (text !== undefined) return text;
  const width = insert.columns.length;
  let n = 0;
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) {
    const marks: string[] = [];
    for (let c = 0; c < width; c++) marks.push(postgres ? `$${++n}` : '?');
    tuples.push(`(${marks.join(', ')})`);
  }
  text =
    `insert into "${insert.table}" (${insert.columns.map((c) => `"${c}"`).join(', ')}) values ` +
    tuples.join(', ') +
    (insert.suffix ? ` ${insert.suffix}` : '');
  // Shapes are few (tables × powers of two); a caller with endless shapes would only lose the cache.
  if (texts.size >= 1000) texts.clear();
  texts.set(key, text);
  return text;
}
