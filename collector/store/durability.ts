import { close, closeSync, fdatasync, fdatasyncSync, fsync, open, openSync } from 'node:fs';

/**
 * How a SQLite store makes a commit survive power loss:
 * - `background`: commits do not flush; the write-ahead log is flushed by the collector, and
 *   nothing is acknowledged to the broker, answered to an API client or told to a listener
 *   before the flush that covers it: ingest flushes right after its batch (`durableNow`), other
 *   writers wait for a grouped flush on libuv's thread pool (`whenDurable`).
 * - `commit`: SQLite's `synchronous=FULL`: each commit flushes, on the event loop.
 * - `off`: no flush at commit: a crash of the collector loses nothing, a power failure can lose
 *   the last acknowledged messages.
 */
export type SqliteSync = 'background' | 'commit' | 'off';

/** How to make everything committed so far through one store durable. */
export interface Flusher {
  /** Resolves once everything committed before the call is on disk (on the thread pool). */
  flush(): Promise<void>;
  /** Returns once everything committed before the call is on disk (on this thread). */
  flushNow(): void;
  close(): void;
}

const flushers = new WeakMap<object, Flusher>();

/** Declares how to make everything committed so far through `db` durable. */
export function registerFlush(db: object, flusher: Flusher): void {
  flushers.set(db, flusher);
}

/**
 * Resolves once everything committed through `db` before this call is on disk. At once for a
 * store whose commits are durable by themselves (PostgreSQL, SQLite `commit`, memory).
 */
export function whenDurable(db: object): Promise<void> {
  return flushers.get(db)?.flush() ?? Promise.resolve();
}

/**
 * Makes everything committed through `db` durable before returning. For ingest, right after a
 * batch's commit: one flush (a fraction of a millisecond) against the batch's own milliseconds
 * on the thread, where waiting for the thread pool would hold the batch's acknowledgements
 * until the next batch is done.
 */
export function durableNow(db: object): void {
  flushers.get(db)?.flushNow();
}

/** Retry pause after a failed flush (a failing disk): nothing is told before one succeeds. */
const FLUSH_RETRY_MS = 1000;

/** As `whenDurable`, but a failed flush is tried again until one succeeds; never rejects. */
export async function untilDurable(db: object): Promise<void> {
  for (;;) {
    try {
      return await whenDurable(db);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, FLUSH_RETRY_MS));
    }
  }
}

/**
 * Flushes grouped: callers that arrive while a flush is running share the next one (it covers
 * whatever they committed before calling), so a burst of commits costs two flushes.
 */
export function groupFlush(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  const start = (): Promise<void> => {
    const flush = run();
    running = flush;
    const clear = () => {
      if (running === flush) running = null;
    };
    flush.then(clear, clear);
    return flush;
  };
  return () => {
    if (!running) return start();
    // The running flush may have begun before the caller's commit: wait for the one after it.
    next ??= running.then(
      () => {
        next = null;
        return start();
      },
      () => {
        next = null;
        return start();
      },
    );
    return next;
  };
}

/**
 * Flushes of a SQLite write-ahead log (fdatasync through a descriptor of our own: any descriptor
 * flushes the file). The log lives as long as the store's connection, so the descriptor is
 * opened once; before the log exists there is nothing to flush.
 */
export function walFlusher(file: string): Flusher {
  let fd: number | null = null;
  const descriptor = (): number | null => {
    if (fd !== null) return fd;
    try {
      fd = openSync(file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return fd;
  };
  const flush = groupFlush(
    () =>
      new Promise<void>((resolve, reject) => {
        let log: number | null;
        try {
          log = descriptor();
        } catch (error) {
          return reject(error as Error);
        }
        if (log === null) return resolve();
        fdatasync(log, (error) => (error ? reject(error) : resolve()));
      }),
  );
  return {
    flush,
    flushNow: () => {
      const log = descriptor();
      if (log !== null) fdatasyncSync(log);
    },
    close: () => {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}

/** fsync of a directory, so a file created in it (the log) survives power loss by name. */
export function flushDirectory(dir: string): Promise<void> {
  return new Promise((resolve) => {
    open(dir, 'r', (openError, fd) => {
      if (openError) return resolve();
      fsync(fd, () => close(fd, () => resolve()));
    });
  });
}
