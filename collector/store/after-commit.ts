import type { Kysely } from 'kysely';
import { durableNow, untilDurable } from './durability.js';

/** Work waiting for a transaction opened by `transactionWithHooks` to commit. */
const pendingByTransaction = new WeakMap<object, (() => void)[]>();

/**
 * Runs `fn` in one transaction of `db`; whatever is registered with `afterCommit` on that
 * transaction runs once it has committed and is durable, and never if it rolled back. The
 * promise resolves after that too, so a caller that acknowledges (ingest's PUBACKs) never
 * acknowledges what a power failure could still take back. Listeners told of
 * ticket events (the stream, the notifier, the clock engine) must not hear of rows a failed
 * ingest batch took back.
 */
export async function transactionWithHooks<DB, T>(
  db: Kysely<DB>,
  fn: (trx: Kysely<DB>) => Promise<T>,
): Promise<T> {
  const { result, announced } = await transactionAnnounced(db, fn);
  await announced;
  return result;
}

/**
 * As `transactionWithHooks`, but resolves as soon as the transaction has committed, with
 * `announced`: resolved once it is durable and its hooks have run. With `flushNow`, the flush is
 * made on this thread before returning (ingest: a batch's acknowledgements then need not wait
 * for the thread pool to answer, which it can only do once the next batch is done).
 */
export async function transactionAnnounced<DB, T>(
  db: Kysely<DB>,
  fn: (trx: Kysely<DB>) => Promise<T>,
  options: {
    flushNow?: boolean;
    /**
     * Makes the commit durable elsewhere (the ingest thread flushes the log before its PUBACKs):
     * called once committed, resolves once durable; null when it cannot, and `flushNow` applies.
     */
    flushElsewhere?: () => Promise<void> | null;
  } = {},
): Promise<{ result: T; announced: Promise<void> }> {
  const pending: (() => void)[] = [];
  const result = await db.transaction().execute((trx) => {
    pendingByTransaction.set(trx, pending);
    return fn(trx);
  });
  const announce = () => {
    for (const hook of pending) hook();
  };
  const elsewhere = options.flushElsewhere?.();
  if (elsewhere) {
    return {
      result,
      // A flush that failed there is tried again here; nothing is told before one succeeds.
      announced: elsewhere.then(announce, () => untilDurable(db).then(announce)),
    };
  }
  if (options.flushNow) {
    try {
      durableNow(db);
      announce();
      return { result, announced: Promise.resolve() };
    } catch {
      // A failed flush: tried again below, and nothing is told until one succeeds.
    }
  }
  return { result, announced: untilDurable(db).then(announce) };
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
