import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import type { Clock } from '../../shared/clock.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { Database } from '../store/schema.js';
import { untilDurable } from '../store/durability.js';
import { isTransientConflict } from '../store/transient-errors.js';
import { insertDeadLetters } from './dead-letters.js';
import type { BatchOutcome, Delivery, IngestProcessor } from './ingest-processor.js';

export interface IngestPipelineOptions {
  processor: Pick<IngestProcessor, 'process'>;
  db: Kysely<Database>;
  clock: Clock;
  logger?: Logger;
  /** Most deliveries committed in one transaction. */
  maxBatch: number;
  /** Deliveries held (received, not yet durable) before the broker is made to wait. */
  maxPending: number;
  /**
   * After a batch, how long the next may wait (ms, default 0) while messages keep arriving:
   * a socket gives one read per turn of the event loop, and a commit costs the same for 80
   * messages as for 500.
   */
  gatherMs?: number;
  /** Called after each durable batch (fleet liveness listens). */
  onCommitted?: (outcome: BatchOutcome) => void;
  /** Wait between retries while the store is unreachable (doubles up to 30 s). */
  retryDelayMs?: number;
  /** Whether the store answers; default `select 1`. */
  storeProbe?: () => Promise<boolean>;
}

export interface IngestStats {
  pending: number;
  /** Age of the oldest delivery not yet durable, in ms (0 when none): the ingest lag. */
  lagMs: number;
  processed: number;
  duplicates: number;
  deadLetters: number;
  batches: number;
  lastBatchSize: number;
  lastCommitAt: string | null;
  storeAvailable: boolean;
}

/** Times a batch that met a deadlock or serialization failure is retried whole. */
const MAX_CONFLICT_RETRIES = 5;
const CONFLICT_BACKOFF_MS = 20;

/**
 * Acknowledges a delivery; with `afterFlush`, the transport must send it only once its own flush
 * request of that number is done (see ThreadFlush).
 */
export type Ack = (afterFlush?: number) => void;

interface Pending {
  delivery: Delivery;
  ack: Ack;
}

/**
 * Group commit. Deliveries queue up while a transaction is in flight; the next transaction takes
 * all of them (up to `maxBatch`), so batches grow with the load and stay single at low rates.
 * Each delivery's `ack` (the PUBACK) runs only after its batch is durable, in arrival order.
 * A store outage holds the batch and retries it; a message that fails on its own while the store
 * is up becomes a dead letter, so one bad message never stalls the rest.
 */
export class IngestPipeline {
  private readonly queue: Pending[] = [];
  private running = false;
  private readonly waiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  private readonly logger: Logger;
  private totals = { processed: 0, duplicates: 0, deadLetters: 0, batches: 0, lastBatchSize: 0 };
  private lastCommitAt: Date | null = null;
  private storeAvailable = true;
  private readonly commitListeners = new Set<(outcome: BatchOutcome) => void>();
  /** Batches committed and not yet durable, oldest first: their acknowledgements wait. */
  private readonly unflushed: { size: number; oldest: Date }[] = [];
  /** Of those, how many have not been acknowledged yet (their PUBACKs wait for the disk). */
  private acksHeld = 0;
  /** Settles when the last committed batch has been acknowledged (the chain keeps their order). */
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly options: IngestPipelineOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  /** Queues a delivery; resolves when there is room for the next (backpressure). */
  submit(delivery: Delivery, ack: Ack): Promise<void> {
    this.queue.push({ delivery, ack });
    if (!this.running) {
      this.running = true;
      // Let the rest of the socket's buffered packets queue up before the first commit.
      setImmediate(() => void this.run());
    }
    if (this.held() < this.options.maxPending) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Received and not yet durable: queued, or committed and waiting for the disk. */
  private held(): number {
    let n = this.queue.length;
    for (const batch of this.unflushed) n += batch.size;
    return n;
  }

  /** Listens for each durable batch, after its acknowledgements (metrics, benchmarks). */
  onCommit(listener: (outcome: BatchOutcome) => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  /** Resolves when everything queued so far is durable and acknowledged. */
  async drain(): Promise<void> {
    if (this.running || this.queue.length > 0) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    await this.tail;
  }

  stats(): IngestStats {
    const oldest = this.unflushed[0]?.oldest ?? this.queue[0]?.delivery.receivedAt;
    return {
      pending: this.held(),
      lagMs: oldest ? Math.max(0, this.options.clock.now().getTime() - oldest.getTime()) : 0,
      ...this.totals,
      lastCommitAt: this.lastCommitAt?.toISOString() ?? null,
      storeAvailable: this.storeAvailable,
    };
  }

  private async run(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.slice(0, this.options.maxBatch);
        const outcome = await this.commit(batch.map((p) => p.delivery));
        this.queue.splice(0, batch.length);
        const waiting = { size: batch.length, oldest: batch[0]!.delivery.receivedAt };
        // The transport flushes before it acknowledges: the PUBACKs go now, unless an earlier
        // batch still waits for its own (they keep arrival order).
        const early = outcome.ackAfterFlush !== undefined && this.acksHeld === 0;
        if (early) for (const p of batch) p.ack(outcome.ackAfterFlush);
        else this.acksHeld++;
        this.unflushed.push(waiting);
        // The next batch is taken at once; this one is acknowledged when the disk has it, after
        // every batch before it.
        const durable = outcome.durable ?? Promise.resolve();
        this.tail = Promise.all([this.tail, durable]).then(() => {
          this.unflushed.splice(this.unflushed.indexOf(waiting), 1);
          this.acknowledged(batch, outcome, early);
        });
        await this.gather();
      }
    } finally {
      this.running = false;
      await this.tail;
      const idle = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of idle) resolve();
    }
  }

  private acknowledged(batch: Pending[], outcome: BatchOutcome, acked: boolean): void {
    this.totals.processed += outcome.processed;
    this.totals.duplicates += outcome.duplicates;
    this.totals.deadLetters += outcome.deadLetters;
    this.totals.batches++;
    this.totals.lastBatchSize = batch.length;
    this.lastCommitAt = this.options.clock.now();
    if (!acked) {
      this.acksHeld--;
      for (const p of batch) p.ack();
    }
    this.options.onCommitted?.(outcome);
    for (const listener of this.commitListeners) listener(outcome);
    while (this.waiters.length > 0 && this.held() < this.options.maxPending) {
      this.waiters.shift()!();
    }
  }

  /**
   * Lets what the commit set off (the stream's read and its socket writes, acknowledgements) and
   * the sockets' new packets run before the next batch takes the thread; then goes on yielding
   * while packets keep coming, until a full batch or `gatherMs`.
   */
  private async gather(): Promise<void> {
    const until = performance.now() + (this.options.gatherMs ?? 0);
    let before = this.queue.length;
    await new Promise((resolve) => setImmediate(resolve));
    // Messages come a turn of the event loop at a time, from the socket or the ingest thread;
    // a millisecond without one means the burst is over.
    while (
      this.queue.length > before &&
      this.queue.length < this.options.maxBatch &&
      performance.now() < until
    ) {
      before = this.queue.length;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /** Commits a batch, riding out store outages; never throws. */
  private async commit(batch: Delivery[]): Promise<BatchOutcome> {
    let delay = this.options.retryDelayMs ?? 500;
    let conflicts = 0;
    for (;;) {
      try {
        const outcome = await this.options.processor.process(batch);
        this.markStore(true);
        return outcome;
      } catch (error) {
        if (isTransientConflict(error) && conflicts < MAX_CONFLICT_RETRIES) {
          conflicts++;
          this.logger.warn(
            { err: errorText(error), attempt: conflicts },
            'batch conflicted; retrying',
          );
          // A little jitter so two collectors that deadlocked do not meet again in step.
          await this.sleep(CONFLICT_BACKOFF_MS * conflicts * (0.5 + Math.random()));
          continue;
        }
        if (await this.storeReachable()) return this.isolate(batch, error);
        this.markStore(false, error);
        await this.sleep(delay);
        delay = Math.min(delay * 2, 30_000);
      }
    }
  }

  /** The store is up but the batch failed: find the message(s) at fault, keep the rest. */
  private async isolate(batch: Delivery[], error: unknown): Promise<BatchOutcome> {
    if (batch.length > 1) {
      this.logger.warn(
        { err: errorText(error), size: batch.length },
        'batch failed; retrying one by one',
      );
      const total: BatchOutcome = {
        processed: 0,
        duplicates: 0,
        deadLetters: 0,
        livenessChanged: false,
      };
      const durables: Promise<void>[] = [];
      for (const delivery of batch) {
        const one = await this.commit([delivery]);
        total.processed += one.processed;
        total.duplicates += one.duplicates;
        total.deadLetters += one.deadLetters;
        total.livenessChanged ||= one.livenessChanged;
        if (one.durable) durables.push(one.durable);
      }
      return { ...total, durable: Promise.all(durables).then(() => undefined) };
    }
    // One message that fails again, with the store reachable, is at fault itself.
    const [delivery] = batch as [Delivery];
    try {
      return await this.options.processor.process(batch);
    } catch (again) {
      if (!(await this.storeReachable())) return this.commit(batch);
      this.logger.error(
        { err: errorText(again), topic: delivery.topic },
        'message failed; dead-lettered',
      );
      return this.deadLetter(delivery, again);
    }
  }

  private async deadLetter(delivery: Delivery, error: unknown): Promise<BatchOutcome> {
    let delay = this.options.retryDelayMs ?? 500;
    for (;;) {
      try {
        await insertDeadLetters(this.options.db, [
          {
            topic: delivery.topic,
            payload: delivery.payload,
            code: 'BF_PROCESSING_FAILED',
            reason: `processing failed: ${errorText(error)}`,
            receivedAt: delivery.receivedAt,
          },
        ]);
        return {
          processed: 0,
          duplicates: 0,
          deadLetters: 1,
          livenessChanged: false,
          durable: untilDurable(this.options.db),
        };
      } catch (writeError) {
        this.markStore(false, writeError);
        await this.sleep(delay);
        delay = Math.min(delay * 2, 30_000);
      }
    }
  }

  private async storeReachable(): Promise<boolean> {
    if (this.options.storeProbe) return this.options.storeProbe();
    try {
      await sql`select 1`.execute(this.options.db);
      return true;
    } catch {
      return false;
    }
  }

  private markStore(available: boolean, error?: unknown): void {
    if (available && !this.storeAvailable)
      this.logger.info('store reachable again; ingest resumed');
    if (!available && this.storeAvailable) {
      this.logger.error(
        { err: errorText(error), pending: this.queue.length },
        'store unreachable; holding messages',
      );
    }
    this.storeAvailable = available;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.options.clock.setTimeout(resolve, ms));
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
