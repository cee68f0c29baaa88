import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BladeCache } from '../../../collector/fleet/blade-cache.js';
import { healthHistory } from '../../../collector/fleet/fleet-queries.js';
import {
  repairUnwrittenHeads,
  writeUnwrittenFrom,
} from '../../../collector/fleet/unwritten-heads.js';
import { IngestProcessor } from '../../../collector/ingest/ingest-processor.js';
import { openStore, type Store } from '../../../collector/store/open-store.js';
import { ManualClock } from '../../../shared/clock.js';
import type { MessageKind } from '../../../shared/topics.js';
import { bytes, FakeBlade } from '../../support/messages.js';
import { RecordingTickets } from '../../support/recording-tickets.js';
import { storeTargets } from '../../support/stores.js';

const START = '2026-01-05T13:00:00.000Z';

/** The row as stored: what a reader other than ingest (the API, liveness) sees. */
const stored = (store: Store, bladeId = 'b1') =>
  store.db
    .selectFrom('blades')
    .select(['last_seen_at', 'last_health_at', 'last_health_id', 'state'])
    .where('blade_id', '=', bladeId)
    .executeTakeFirstOrThrow()
    .then((r) => ({ ...r, last_health_id: Number(r.last_health_id) }));

const lastSnapshotId = (store: Store) =>
  store.db
    .selectFrom('health_snapshots')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.id));

const mark = (store: Store) =>
  store.db
    .selectFrom('fleet_marks')
    .select('value')
    .where('name', '=', 'blade_heads_unwritten_from')
    .executeTakeFirst()
    .then((r) => (r?.value === null || r?.value === undefined ? null : Number(r.value)));

describe('blades heard from again within the write interval', () => {
  let dir: string;
  let store: Store;
  let clock: ManualClock;
  let cache: BladeCache;
  let tickets: RecordingTickets;
  let processor: IngestProcessor;
  let b1: FakeBlade;

  const open = async () => {
    store = await openStore({ sqliteFile: join(dir, 'collector.db') });
    cache = new BladeCache();
    processor = new IngestProcessor({
      db: store.db,
      clock,
      tickets,
      fleet: { silentAfterIntervals: 3, defaultHeartbeatMs: 60_000, cache, heardWriteMs: 1_000 },
    });
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bf-heads-'));
    clock = new ManualClock(START);
    tickets = new RecordingTickets();
    b1 = new FakeBlade({ site: 'nyc1', frame: 'f1', blade: 'b1' }, 'boot-1', () => clock.now());
    await open();
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = (kind: MessageKind, message: unknown, blade = b1) =>
    processor.process([
      { topic: blade.topic(kind), payload: bytes(message), receivedAt: clock.now() },
    ]);
  const history = () =>
    healthHistory(store.db, 'b1', new Date(START), new Date(clock.now().getTime() + 60_000));

  it('commits them without writing the row, and writes it once the interval has passed', async () => {
    await send('birth', b1.birth());
    await send('health', b1.health(60));
    const first = await stored(store);
    expect(first.last_health_id).toBe(await lastSnapshotId(store));

    clock.advance(200);
    await send('health', b1.health(60));
    // Committed and chained, but the row still names the first snapshot: readers of the store
    // (the API, the history walked back from the row) are up to the interval behind.
    expect(await stored(store)).toEqual(first);
    expect(cache.get('b1')?.last_health_id).toBe(await lastSnapshotId(store));
    expect(await history()).toHaveLength(1);
    expect(await mark(store)).toBe(first.last_health_id + 1);

    clock.advance(1_000);
    await send('health', b1.health(60));
    const now = await stored(store);
    expect(now.last_health_id).toBe(await lastSnapshotId(store));
    expect(now.last_seen_at).toBe(clock.now().toISOString());
    expect(await mark(store)).toBeNull();
    expect(await history()).toHaveLength(3);
  });

  it("writes a frame's last seen at most once an interval, and a new site or frame at once", async () => {
    const frame = (site = 'nyc1') =>
      store.db
        .selectFrom('frames')
        .select('last_seen_at')
        .where('site_id', '=', site)
        .executeTakeFirst()
        .then((r) => r?.last_seen_at);
    await send('birth', b1.birth());
    const first = await frame();
    clock.advance(200);
    await send('health', b1.health(60));
    expect(await frame()).toBe(first);
    clock.advance(1_000);
    await send('health', b1.health(60));
    expect(await frame()).toBe(clock.now().toISOString());

    const b3 = new FakeBlade({ site: 'bos1', frame: 'f9', blade: 'b3' }, 'boot-3', () =>
      clock.now(),
    );
    await send('birth', b3.birth(), b3);
    expect(await frame('bos1')).toBe(clock.now().toISOString());
    const sites = await store.db.selectFrom('sites').select('site_id').orderBy('site_id').execute();
    expect(sites.map((s) => s.site_id)).toEqual(['bos1', 'nyc1']);
  });

  it('writes the row of any other change at once', async () => {
    await send('birth', b1.birth());
    await send('health', b1.health(60));
    clock.advance(100);
    // A clean stop changes the state: never left unwritten.
    await send('state', b1.state('offline', 'shutdown'));
    expect((await stored(store)).state).toBe('stopped');
    expect(cache.pending()).toEqual([]);
  });

  it('writes what is left once the interval passes with nothing more heard, and when stopping', async () => {
    await send('birth', b1.birth());
    await send('health', b1.health(60));
    clock.advance(100);
    await send('health', b1.health(60));
    expect(cache.pending()).toHaveLength(1);

    clock.advance(1_000);
    await processor.stop();
    expect(cache.pending()).toEqual([]);
    expect((await stored(store)).last_health_id).toBe(await lastSnapshotId(store));
    expect(await mark(store)).toBeNull();
  });

  it('writes the due rows of blades not in a batch with that batch', async () => {
    const b2 = new FakeBlade({ site: 'nyc1', frame: 'f1', blade: 'b2' }, 'boot-2', () =>
      clock.now(),
    );
    await send('birth', b1.birth());
    await send('birth', b2.birth(), b2);
    await send('health', b1.health(60));
    clock.advance(100);
    await send('health', b1.health(60));
    const left = cache.get('b1')!.last_health_id;
    clock.advance(1_000);
    await send('health', b2.health(60), b2);
    expect((await stored(store)).last_health_id).toBe(left);
    expect(cache.pending()).toEqual([]);
  });

  it('repairs the rows at the next start after a stop that wrote nothing', async () => {
    await send('birth', b1.birth());
    await send('health', b1.health(60));
    for (let i = 0; i < 3; i++) {
      clock.advance(100);
      await send('health', b1.health(60));
    }
    const latest = await lastSnapshotId(store);
    expect((await stored(store)).last_health_id).toBeLessThan(latest);

    // A crash: the process ends without stopping the processor.
    await store.close();
    await open();
    expect(await repairUnwrittenHeads(store.db, clock.now())).toBe(1);
    expect(await stored(store)).toMatchObject({
      last_health_id: latest,
      last_seen_at: clock.now().toISOString(),
      last_health_at: clock.now().toISOString(),
    });
    expect(await mark(store)).toBeNull();
    expect(await history()).toHaveLength(4);

    // The chain goes on from the repaired head.
    await send('health', b1.health(60));
    expect(await history()).toHaveLength(5);
    expect(await repairUnwrittenHeads(store.db, clock.now())).toBe(0);
  });

  it('chains from what was heard even after the cache forgot the blade', async () => {
    await send('birth', b1.birth());
    await send('health', b1.health(60));
    clock.advance(100);
    await send('health', b1.health(60));
    // A rolled-back batch, or liveness writing blades: the cache starts again.
    cache.invalidate();
    clock.advance(100);
    await send('health', b1.health(60));
    expect(await history()).toHaveLength(3);
    expect((await stored(store)).last_health_id).toBe(await lastSnapshotId(store));
  });
});

describe.each(storeTargets)('repairing blade rows on $name', (target) => {
  let store: Store;
  beforeEach(async () => {
    store = await target.open();
  });
  afterEach(() => store.close());

  it('does nothing without a mark, and names each blade its latest snapshot from the mark on', async () => {
    const at = new Date(START);
    expect(await repairUnwrittenHeads(store.db, at)).toBe(0);
    await store.db
      .insertInto('sites')
      .values({ site_id: 's1', in_contract: 0, first_seen_at: START, updated_at: START })
      .execute();
    await store.db
      .insertInto('blades')
      .values({
        blade_id: 'b1',
        site_id: 's1',
        frame_id: 'f1',
        environment: 'production',
        heartbeat_s: 60,
        state: 'online',
        state_since: START,
        first_seen_at: START,
        last_seen_at: START,
      })
      .execute();
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const receivedAt = new Date(at.getTime() + i * 1_000).toISOString();
      const row = await store.db
        .insertInto('health_snapshots')
        .values({
          blade_id: 'b1',
          boot_id: 'boot-1',
          seq: i,
          observed_at: receivedAt,
          received_at: receivedAt,
          snapshot: '{}',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.push(Number(row.id));
    }
    await store.db.updateTable('blades').set({ last_health_id: ids[0]! }).execute();
    await writeUnwrittenFrom(store.db, ids[1]!, at);

    expect(await repairUnwrittenHeads(store.db, at)).toBe(1);
    expect(await stored(store)).toMatchObject({
      last_health_id: ids[2],
      last_seen_at: '2026-01-05T13:00:02.000Z',
    });
    expect(await mark(store)).toBeNull();
  });
});
