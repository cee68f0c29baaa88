/** A flush asked of the ingest thread: its number, and when main hears that it is done. */
export interface FlushTicket {
  seq: number;
  durable: Promise<void>;
}

/**
 * Flushes of the SQLite write-ahead log made on the ingest thread, right before the PUBACKs of
 * the batch they cover, so that neither the flush nor a round trip through the store's busy
 * thread stands between a commit and its acknowledgements. Main asks after each commit
 * (`request`); the thread flushes, acknowledges what waited on that flush, and says so
 * (`flushed`). While no thread is there, `request` answers null and the caller flushes itself.
 */
export class ThreadFlush {
  private post: ((seq: number) => void) | null = null;
  private seq = 0;
  private readonly waiting: { seq: number; resolve: () => void; reject: (e: Error) => void }[] = [];

  /**
   * @param logFile the write-ahead log the thread flushes
   * @param fallback flushes here, for what a thread that went away had not confirmed
   */
  constructor(
    readonly logFile: string,
    private readonly fallback: () => Promise<void>,
  ) {}

  /** Asks the thread to flush everything committed so far; null when there is no thread. */
  request(): FlushTicket | null {
    if (!this.post) return null;
    const seq = ++this.seq;
    const durable = new Promise<void>((resolve, reject) =>
      this.waiting.push({ seq, resolve, reject }),
    );
    this.post(seq);
    return { seq, durable };
  }

  /** A thread that flushes on request has started. */
  attach(post: (seq: number) => void): void {
    this.post = post;
  }

  /** The thread has flushed through request `seq`. */
  flushed(seq: number): void {
    while (this.waiting.length > 0 && this.waiting[0]!.seq <= seq) this.waiting.shift()!.resolve();
  }

  /**
   * The thread is gone: what it had not confirmed is flushed here instead (its PUBACKs went
   * with the connection; the broker redelivers those messages and they are recognised).
   */
  detach(): void {
    this.post = null;
    const waiting = this.waiting.splice(0);
    if (waiting.length === 0) return;
    this.fallback().then(
      () => waiting.forEach((w) => w.resolve()),
      (error: Error) => waiting.forEach((w) => w.reject(error)),
    );
  }
}
