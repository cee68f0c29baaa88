import { isPostgres } from './dialect.js';
import { runRaw, type QueryRunner } from './raw-query.js';

/** Most keys in one statement. */
const MAX_KEYS = 512;

/**
 * `select <columns> from <table> where <key> in (...)` compiled by hand, for ingest's hot path:
 * the list is padded to a power of two by repeating its last key (which changes nothing), so a
 * batch of any size uses at most ten statement shapes, kept prepared by the statement cache,
 * and Kysely's compiler does not visit every key of every batch.
 */
export async function selectIn<R>(
  db: QueryRunner,
  select: { table: string; columns: readonly string[]; key: string; keys: readonly unknown[] },
): Promise<R[]> {
  const postgres = isPostgres(db);
  const out: R[] = [];
  for (let start = 0; start < select.keys.length; start += MAX_KEYS) {
    const keys = select.keys.slice(start, start + MAX_KEYS);
    let size = 1;
    while (size < keys.length) size <<= 1;
    const last = keys[keys.length - 1];
    while (keys.length < size) keys.push(last);
    for (const row of await runRaw<R>(db, statementText(select, size, postgres), keys)) {
      out.push(row);
    }
  }
  return out;
}

const texts = new Map<string, string>();

function statementText(
  select: { table: string; columns: readonly string[]; key: string },
  size: number,
  postgres: boolean,
): string {
  const key = `${postgres ? 'pg' : 'sqlite'}|${select.table}|${select.columns.join(',')}|${select.key}|${size}`;
  let text = texts.get(key);
  if (text !== undefined) return text;
  const marks = Array.from({ length: size }, (_, i) => (postgres ? `$${i + 1}` : '?'));
  text =
    `select ${select.columns.map((c) => `"${c}"`).join(', ')} from "${select.table}" ` +
    `where "${select.key}" in (${marks.join(', ')})`;
  if (texts.size >= 1000) texts.clear();
  texts.set(key, text);
  return text;
}
