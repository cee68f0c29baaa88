import type { Kysely } from 'kysely';

/** Work waiting for a transaction opened by `transactionWithHooks` to commit. */
const pendingByTransaction = new WeakMap<object, (() => void)[]>();

/**
 * Runs `fn` in one transaction of `db`; whatever is registered with `afterCommit` on that
 * transaction runs once it has committed, and never if it rolled back. Listeners told of
 * ticket events (the stream, the notifier, the clock engine) must not hear of rows a failed
 * ingest batch took back.
 */
export async function transactionWithHooks<DB, T>(
  db: Kysely<DB>,
  fn: (trx: Kysely<DB>) => Promise<T>,
): Promise<T> {
  const pending: (() => void)[] = [];
  const result = await db.transaction().execute((trx) => {
    pendingByTransaction.set(trx, pending);
    return fn(trx);
  });
  for (const hook of pending) hook();
  return result;
}

/**
 * Runs `hook` once `db`'s transaction has committed: at the end of an enclosing
 * `transactionWithHooks`, or at once when `db` is not such a transaction (its own work is
 * already committed when the caller gets here).
 */
export function afterCommit(db: Kysely<unknown> | object, hook: () => void): void {
  const pending = pendingByTransaction.get(db);
  if (pending) pending.push(hook);
  else hook();
}
