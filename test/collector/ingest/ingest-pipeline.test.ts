import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listDeadLetters } from '../../../collector/ingest/dead-letters.js';
import { IngestPipeline } from '../../../collector/ingest/ingest-pipeline.js';
import type { BatchOutcome, Delivery } from '../../../collector/ingest/ingest-processor.js';
import { openStore, type Store } from '../../../collector/store/open-store.js';
import { ManualClock, systemClock } from '../../../shared/clock.js';

const ok = (n: number): BatchOutcome => ({
  processed: n,
  duplicates: 0,
  deadLetters: 0,
  livenessChanged: false,
});

function deliveries(n: number, clock: ManualClock): Delivery[] {
  return Array.from({ length: n }, (_, i) => ({
    topic: `bladeframe/v1/s/f/b/event`,
    payload: Buffer.from(String(i)),
    receivedAt: clock.now(),
  }));
}

/** A processor whose commits the test releases by hand. */
class GatedProcessor {
  batches: string[][] = [];
  private gates: (() => void)[] = [];
  failWith: ((batch: readonly Delivery[]) => Error | undefined) | undefined;
  async process(batch: readonly Delivery[]): Promise<BatchOutcome> {
    await new Promise<void>((resolve) => this.gates.push(resolve));
    const error = this.failWith?.(batch);
    if (error) throw error;
    this.batches.push(batch.map((d) => d.payload.toString()));
    return ok(batch.length);
  }
  async release(): Promise<void> {
    while (this.gates.length === 0) await new Promise((r) => setImmediate(r));
    this.gates.shift()!();
    await new Promise((r) => setImmediate(r));
  }
}

describe('ingest pipeline (group commit)', () => {
  let store: Store;
  let clock: ManualClock;
  beforeEach(async () => {
    store = await openStore({ sqliteFile: ':memory:' });
    clock = new ManualClock();
  });
  afterEach(() => store.close());

  it('batches what arrives during a commit and acknowledges only after it, in order', async () => {
    const processor = new GatedProcessor();
    const pipeline = new IngestPipeline({
      processor,
      db: store.db,
      clock,
      maxBatch: 100,
      maxPending: 1000,
    });
    const acked: number[] = [];
    const items = deliveries(50, clock);
    await pipeline.submit(items[0]!, () => acked.push(0));
    await new Promise((r) => setImmediate(r));
    // The first commit is in flight; 49 more arrive meanwhile.
    for (let i = 1; i < 50; i++) await pipeline.submit(items[i]!, () => acked.push(i));
    expect(acked).toEqual([]);
    expect(pipeline.stats().pending).toBe(50);
    await processor.release();
    expect(acked).toEqual([0]);
    await processor.release();
    await pipeline.drain();
    expect(processor.batches.map((b) => b.length)).toEqual([1, 49]);
    expect(acked).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(pipeline.stats()).toMatchObject({ pending: 0, processed: 50, batches: 2, lagMs: 0 });
  });

  it('commits the next batch while the last one flushes, and acknowledges in order', async () => {
    const flushes: (() => void)[] = [];
    const committed: string[][] = [];
    const processor = {
      async process(batch: readonly Delivery[]): Promise<BatchOutcome> {
        committed.push(batch.map((d) => d.payload.toString()));
        const durable = new Promise<void>((resolve) => flushes.push(resolve));
        return { ...ok(batch.length), durable };
      },
    };
    const pipeline = new IngestPipeline({
      processor,
      db: store.db,
      clock,
      maxBatch: 2,
      maxPending: 1000,
    });
    const acked: string[] = [];
    for (const d of deliveries(4, clock)) {
      await pipeline.submit(d, () => acked.push(d.payload.toString()));
    }
    while (committed.length < 2) await new Promise((r) => setImmediate(r));
    // Both batches committed; neither is durable, so nothing is acknowledged or counted.
    expect(committed).toEqual([
      ['0', '1'],
      ['2', '3'],
    ]);
    expect(acked).toEqual([]);
    expect(pipeline.stats()).toMatchObject({ pending: 4, processed: 0 });
    // The later flush finishing first still waits for the earlier batch.
    flushes[1]!();
    await new Promise((r) => setImmediate(r));
    expect(acked).toEqual([]);
    flushes[0]!();
    await pipeline.drain();
    expect(acked).toEqual(['0', '1', '2', '3']);
    expect(pipeline.stats()).toMatchObject({ pending: 0, processed: 4, batches: 2 });
  });

  it('acknowledges at once through a transport that flushes first, in order behind one that waits', async () => {
    const flushes: (() => void)[] = [];
    // Batch 1 is flushed here (its PUBACKs wait for `durable`); 2 and 3 by the transport (flush
    // requests 7 and 8), so their acknowledgements may go when committed, but not before 1's.
    const plan: (number | undefined)[] = [undefined, 7, 8];
    const processor = {
      async process(batch: readonly Delivery[]): Promise<BatchOutcome> {
        const afterFlush = plan.shift();
        const durable = new Promise<void>((resolve) => flushes.push(resolve));
        return {
          ...ok(batch.length),
          durable,
          ...(afterFlush === undefined ? {} : { ackAfterFlush: afterFlush }),
        };
      },
    };
    const pipeline = new IngestPipeline({
      processor,
      db: store.db,
      clock,
      maxBatch: 1,
      maxPending: 1000,
    });
    const acked: string[] = [];
    for (const d of deliveries(3, clock)) {
      await pipeline.submit(d, (after) => acked.push(`${d.payload.toString()}@${after ?? '-'}`));
    }
    while (flushes.length < 3) await new Promise((r) => setImmediate(r));
    // 2 and 3 wait behind 1, which has no flush elsewhere: then each for its own flush.
    expect(acked).toEqual([]);
    flushes[0]!();
    await new Promise((r) => setImmediate(r));
    expect(acked).toEqual(['0@-']);
    flushes[1]!();
    flushes[2]!();
    await pipeline.drain();
    expect(acked).toEqual(['0@-', '1@-', '2@-']);
    expect(pipeline.stats()).toMatchObject({ pending: 0, processed: 3, batches: 3 });

    // With nothing held before it, a batch the transport flushes is acknowledged when committed,
    // before it is durable, and counted once durable.
    plan.push(9);
    await pipeline.submit(deliveries(1, clock)[0]!, (after) => acked.push(`early@${after}`));
    while (flushes.length < 4) await new Promise((r) => setImmediate(r));
    expect(acked.at(-1)).toBe('early@9');
    expect(pipeline.stats()).toMatchObject({ processed: 3 });
    flushes[3]!();
    await pipeline.drain();
    expect(pipeline.stats()).toMatchObject({ pending: 0, processed: 4, batches: 4 });
    expect(acked.filter((a) => a.startsWith('early'))).toHaveLength(1);
  });

  it('tells commit listeners of each durable batch, after its acknowledgements', async () => {
    const processor = new GatedProcessor();
    const pipeline = new IngestPipeline({
      processor,
      db: store.db,
      clock,
      maxBatch: 100,
      maxPending: 1000,
    });
    const seen: string[] = [];
    const off = pipeline.onCommit((outcome) => seen.push(`commit ${outcome.processed}`));
    await pipeline.submit(deliveries(1, clock)[0]!, () => seen.push('ack'));
    await processor.release();
    await pipeline.drain();
    off();
    await pipeline.submit(deliveries(1, clock)[0]!, () => seen.push('ack'));
    await processor.release();
    await pipeline.drain();
    expect(seen).toEqual(['ack', 'commit 1', 'ack']);
  });

  it('caps a batch at maxBatch and makes the broker wait past maxPending', async () => {
    const processor = new GatedProcessor();
    const pipeline = new IngestPipeline({
      processor,
      db: store.db,
      clock,
      maxBatch: 3,
      maxPending: 5,
    });
    const items = deliveries(8, clock);
    const accepted: number[] = [];
    const submissions = items.map((d, i) =>
      pipeline.submit(d, () => undefined).then(() => accepted.push(i)),
    );
    await new Promise((r) => setImmediate(r));
    expect(accepted).toEqual([0, 1, 2, 3]);
    clock.advance(1500);
    expect(pipeline.stats().lagMs).toBe(1500);
    await processor.release();
    await processor.release();
    await processor.release();
    await Promise.all(submissions);
    await pipeline.drain();
    expect(processor.batches.map((b) => b.length)).toEqual([3, 3, 2]);
  });

  it('holds a batch through a store outage and commits it once the store is back', async () => {
    let storeUp = false;
    const processor = new GatedProcessor();
    processor.failWith = () => (storeUp ? undefined : new Error('connection refused'));
    const pipeline = new IngestPipeline({
      processor,
      db: store.db,
      clock,
      maxBatch: 10,
      maxPending: 100,
      retryDelayMs: 1000,
      storeProbe: async () => storeUp,
    });
    const acked: number[] = [];
    for (const [i, d] of deliveries(3, clock).entries())
      await pipeline.submit(d, () => acked.push(i));
    await processor.release();
    expect(pipeline.stats().storeAvailable).toBe(false);
    clock.advance(1000);
    await processor.release();
    clock.advance(2000);
    storeUp = true;
    await processor.release();
    await pipeline.drain();
    expect(acked).toEqual([0, 1, 2]);
    expect(processor.batches).toEqual([['0', '1', '2']]);
    expect(pipeline.stats().storeAvailable).toBe(true);
  });

  it('dead-letters a message that fails on its own and commits the rest', async () => {
    const processor = {
      batches: [] as string[][],
      async process(batch: readonly Delivery[]) {
        if (batch.some((d) => d.payload.toString() === '2')) throw new Error('cannot classify');
        this.batches.push(batch.map((d) => d.payload.toString()));
        return ok(batch.length);
      },
    };
    const pipeline = new IngestPipeline({
      processor,
      db: store.db,
      clock,
      maxBatch: 10,
      maxPending: 100,
    });
    const acked: number[] = [];
    for (const [i, d] of deliveries(5, clock).entries())
      await pipeline.submit(d, () => acked.push(i));
    await pipeline.drain();
    expect(acked).toEqual([0, 1, 2, 3, 4]);
    expect(processor.batches.flat()).toEqual(['0', '1', '3', '4']);
    const [letter] = await listDeadLetters(store.db, { limit: 5 });
    expect(letter).toMatchObject({
      code: 'BF_PROCESSING_FAILED',
      payload: '2',
      reason: 'processing failed: cannot classify',
    });
    expect(pipeline.stats()).toMatchObject({ processed: 4, deadLetters: 1 });
  });
  it('retries a batch that met a deadlock whole, neither split nor dead-lettered', async () => {
    let attempts = 0;
    const processor = {
      batches: [] as string[][],
      async process(batch: readonly Delivery[]) {
        if (++attempts <= 2) {
          throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
        }
        this.batches.push(batch.map((d) => d.payload.toString()));
        return ok(batch.length);
      },
    };
    const pipeline = new IngestPipeline({
      processor,
      db: store.db,
      clock: systemClock,
      maxBatch: 10,
      maxPending: 100,
    });
    for (const d of deliveries(5, clock)) await pipeline.submit(d, () => undefined);
    await pipeline.drain();
    expect(attempts).toBe(3);
    expect(processor.batches).toEqual([['0', '1', '2', '3', '4']]);
    expect(await listDeadLetters(store.db, { limit: 5 })).toEqual([]);
    expect(pipeline.stats()).toMatchObject({ processed: 5, deadLetters: 0 });
  });
});
