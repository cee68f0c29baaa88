import { describe, expect, it } from 'vitest';
import { ThreadFlush } from '../../../collector/ingest/thread-flush.js';

const settled = async (p: Promise<void>) => {
  let state = 'pending';
  p.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  await new Promise((r) => setImmediate(r));
  return state;
};

describe('thread flush', () => {
  it('answers null while no thread is there, so the caller flushes itself', () => {
    const flush = new ThreadFlush('/data/x.sqlite-wal', async () => undefined);
    expect(flush.request()).toBeNull();
  });

  it('numbers requests, posts them to the thread and settles each once flushed through it', async () => {
    const posted: number[] = [];
    const flush = new ThreadFlush('/data/x.sqlite-wal', async () => undefined);
    flush.attach((seq) => posted.push(seq));
    const a = flush.request()!;
    const b = flush.request()!;
    const c = flush.request()!;
    expect([a.seq, b.seq, c.seq]).toEqual([1, 2, 3]);
    expect(posted).toEqual([1, 2, 3]);
    // One flush covers every request made before it.
    flush.flushed(2);
    expect(await settled(a.durable)).toBe('resolved');
    expect(await settled(b.durable)).toBe('resolved');
    expect(await settled(c.durable)).toBe('pending');
    flush.flushed(3);
    expect(await settled(c.durable)).toBe('resolved');
  });

  it('flushes here what a thread that went away had not confirmed', async () => {
    let fallbacks = 0;
    let release!: () => void;
    const flush = new ThreadFlush('/data/x.sqlite-wal', () => {
      fallbacks++;
      return new Promise<void>((resolve) => (release = resolve));
    });
    flush.attach(() => undefined);
    const a = flush.request()!;
    flush.detach();
    expect(fallbacks).toBe(1);
    expect(await settled(a.durable)).toBe('pending');
    release();
    expect(await settled(a.durable)).toBe('resolved');
    expect(flush.request()).toBeNull();
    // Nothing left to confirm: no flush here.
    flush.detach();
    expect(fallbacks).toBe(1);
  });

  it('passes on a failed fallback flush, for the caller to retry', async () => {
    const flush = new ThreadFlush('/data/x.sqlite-wal', () => Promise.reject(new Error('EIO')));
    flush.attach(() => undefined);
    const a = flush.request()!;
    flush.detach();
    await expect(a.durable).rejects.toThrow('EIO');
  });
});
