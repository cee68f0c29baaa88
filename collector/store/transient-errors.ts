/**
 * Errors that say "try the same transaction again": PostgreSQL's deadlock and serialization
 * failures (two collectors, or ingest and the clock engine, locking the same tickets in another
 * order) and SQLite's busy database. Nothing is wrong with the data, so a batch that meets one
 * is retried whole rather than split up or dead-lettered.
 */
const TRANSIENT_CODES = new Set(['40P01', '40001', 'SQLITE_BUSY', 'SQLITE_LOCKED']);

export function isTransientConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT_CODES.has(code);
}
