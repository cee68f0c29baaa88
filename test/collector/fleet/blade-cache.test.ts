import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BladeCache, type LiveBlade } from '../../../collector/fleet/blade-cache.js';
import { getBlade } from '../../../collector/fleet/fleet-queries.js';
import { IngestProcessor } from '../../../collector/ingest/ingest-processor.js';
import { openStore, type Store } from '../../../collector/store/open-store.js';
import type { MessageKind } from '../../../shared/topics.js';
import { bytes, FakeBlade } from '../../support/messages.js';
import { RecordingTickets } from '../../support/recording-tickets.js';

const blade = (id: string, state: LiveBlade['state'] = 'online'): LiveBlade => ({
  blade_id: id,
  site_id: 's1',
  frame_id: 'f1',
  environment: 'production',
  boot_id: 'boot-1',
  heartbeat_s: 60,
  state,
  state_since: '2026-01-05T13:00:00.000Z',
  pending_since: null,
  fault: null,
  silent_deadline: null,
  first_seen_at: '2026-01-05T13:00:00.000Z',
  last_seen_at: '2026-01-05T13:00:00.000Z',
  last_health_at: null,
  last_health_id: null,
  declared_environment: null,
});

describe('the blade cache', () => {
  it('keeps what a batch committed, unless something was invalidated since it began', () => {
    const cache = new BladeCache();
    const first = cache.epoch();
    cache.committed(first, [blade('b1')]);
    expect(cache.get('b1')?.state).toBe('online');

    const second = cache.epoch();
    cache.invalidate();
    cache.committed(second, [blade('b2')]);
    expect(cache.get('b1')).toBeUndefined();
    expect(cache.get('b2')).toBeUndefined();

    cache.committed(cache.epoch(), [blade('b2', 'silent')]);
    expect(cache.get('b2')?.state).toBe('silent');
    expect(cache.size).toBe(1);
  });

  it('finds the unwritten blades due for a write: written an interval ago, or at a time forgotten', () => {
    const cache = new BladeCache();
    const t0 = Date.parse('2026-01-05T13:00:00Z');
    const writes = (atMs: number, deferred: string[] = []) => ({
      deferred: new Map(deferred.map((id) => [id, { blade: blade(id), storedHead: 1 }])),
      flushed: [],
      atMs,
      sites: [],
      frames: [],
    });
    const ids = (atMs: number) =>
      cache
        .due(atMs, 1000)
        .map((u) => u.blade.blade_id)
        .sort();
    // Rows written at t0 (b1, b2) and t0 + 400 (b3), then each left unwritten by later batches.
    cache.committed(cache.epoch(), [blade('b1'), blade('b2')], writes(t0));
    cache.committed(cache.epoch(), [blade('b3')], writes(t0 + 400));
    cache.committed(cache.epoch(), [blade('b1'), blade('b2')], writes(t0 + 200, ['b1', 'b2']));
    cache.committed(cache.epoch(), [blade('b3')], writes(t0 + 600, ['b3']));
    // Left unwritten again: still due by its row's write time, not the later batch's.
    cache.committed(cache.epoch(), [blade('b1')], writes(t0 + 900, ['b1']));
    expect(ids(t0 + 999)).toEqual([]);
    expect(ids(t0 + 1000)).toEqual(['b1', 'b2']);
    expect(ids(t0 + 1400)).toEqual(['b1', 'b2', 'b3']);
    // b2's row written with a batch: no longer due, nor left unwritten.
    cache.committed(cache.epoch(), [blade('b2')], writes(t0 + 1100));
    expect(ids(t0 + 1400)).toEqual(['b1', 'b3']);
    // Written as due (the timer, or another batch): gone.
    cache.flushed(cache.due(t0 + 1400, 1000).filter((u) => u.blade.blade_id === 'b3'));
    expect(ids(t0 + 5000)).toEqual(['b1']);
    // Write times forgotten: every blade left unwritten is due at once, and leaves when written.
    cache.committed(cache.epoch(), [blade('b4')], writes(t0 + 1500));
    cache.committed(cache.epoch(), [blade('b4')], writes(t0 + 1600, ['b4']));
    cache.invalidate();
    expect(ids(t0 + 1601)).toEqual(['b1', 'b4']);
    cache.committed(cache.epoch(), [blade('b1')], writes(t0 + 1700));
    expect(ids(t0 + 1701)).toEqual(['b4']);
    expect(cache.pending().map((u) => u.blade.blade_id)).toEqual(['b4']);
  });

  it('starts again rather than grow without end', () => {
    const cache = new BladeCache();
    const many = Array.from({ length: 100_001 }, (_, i) => blade(`b${i}`));
    cache.committed(cache.epoch(), many);
    expect(cache.size).toBe(0);
  });
});

describe('ingest with the blade cache', () => {
  let store: Store;
  let cache: BladeCache;
  let tickets: RecordingTickets;
  let processor: IngestProcessor;
  const now = new Date('2026-01-05T13:00:00Z');
  const b1 = new FakeBlade({ site: 'nyc1', frame: 'f1', blade: 'b1' }, 'boot-1', () => now);

  beforeEach(async () => {
    store = await openStore({ sqliteFile: ':memory:' });
    cache = new BladeCache();
    tickets = new RecordingTickets();
    processor = new IngestProcessor({
      db: store.db,
      tickets,
      fleet: { silentAfterIntervals: 3, defaultHeartbeatMs: 60_000, cache },
    });
  });
  afterEach(() => store.close());

  const send = (kind: MessageKind, message: unknown) =>
    processor.process([{ topic: b1.topic(kind), payload: bytes(message), receivedAt: now }]);
  /** A write the cache is not told of: shows whether ingest read the blade again. */
  const writeBehindItsBack = () =>
    store.db
      .updateTable('blades')
      .set({ boot_id: 'elsewhere' })
      .where('blade_id', '=', 'b1')
      .execute();

  it('reads a blade from the store only until it has one committed', async () => {
    await send('birth', b1.birth());
    expect(cache.get('b1')).toMatchObject({ state: 'online', boot_id: 'boot-1' });

    await writeBehindItsBack();
    await send('health', b1.health(60));
    expect((await getBlade(store.db, 'b1'))?.bootId).toBe('boot-1');
    expect(cache.get('b1')?.last_health_id).toBeTypeOf('number');

    await writeBehindItsBack();
    cache.invalidate();
    await send('health', b1.health(60));
    expect((await getBlade(store.db, 'b1'))?.bootId).toBe('elsewhere');
  });

  it('forgets everything when a batch rolls back', async () => {
    await send('birth', b1.birth());
    expect(cache.size).toBe(1);
    tickets.failWhen = () => true;
    const fault = b1.event('fan.failed', 'active', { kind: 'fan', id: 'fan1', location: null });
    await expect(send('event', fault)).rejects.toThrow('refused fan.failed');
    expect(cache.size).toBe(0);

    tickets.failWhen = undefined;
    await writeBehindItsBack();
    await send('event', fault);
    expect((await getBlade(store.db, 'b1'))?.bootId).toBe('elsewhere');
    expect(cache.get('b1')?.boot_id).toBe('elsewhere');
  });
});
