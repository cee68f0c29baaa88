import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  getBlade,
  healthHistory,
  listBlades,
  listSites,
  pruneHealthSnapshots,
  syncSites,
} from '../../../collector/fleet/fleet-queries.js';
import { IngestProcessor } from '../../../collector/ingest/ingest-processor.js';
import type { Store } from '../../../collector/store/open-store.js';
import type { MessageKind } from '../../../shared/topics.js';
import { bytes, FakeBlade } from '../../support/messages.js';
import { RecordingTickets } from '../../support/recording-tickets.js';
import { storeTargets } from '../../support/stores.js';

describe.each(storeTargets)('fleet registry on $name', (target) => {
  let store: Store;
  let now: Date;
  let processor: IngestProcessor;
  beforeEach(async () => {
    store = await target.open();
    now = new Date('2026-01-05T13:00:00Z');
    processor = new IngestProcessor({
      db: store.db,
      tickets: new RecordingTickets(),
      fleet: {
        silentAfterIntervals: 3,
        defaultHeartbeatMs: 60_000,
        environmentFor: (site, _frame, blade) =>
          site === 'lab' && blade === 'q1' ? 'qa' : undefined,
      },
    });
  });
  afterEach(() => store.close());

  const send = (b: FakeBlade, kind: MessageKind, message: unknown) =>
    processor.process([{ topic: b.topic(kind), payload: bytes(message), receivedAt: now }]);

  it('registers a blade from its birth with inventory, environment and liveness', async () => {
    const b = new FakeBlade({ site: 'nyc1', frame: 'f1', blade: 'b1' }, 'boot-1');
    await send(b, 'birth', b.birth({ environment: 'qa' }, 30));
    const view = await getBlade(store.db, 'b1');
    expect(view).toMatchObject({
      bladeId: 'b1',
      siteId: 'nyc1',
      frameId: 'f1',
      bladeType: 'BladeFrame pBlade 4x',
      serial: 'SN-b1',
      firmware: { bios: '2.1.7', bmc: '1.42' },
      os: { distro: 'Debian GNU/Linux', release: '12' },
      kernel: '6.1.0-18-amd64',
      memoryBytes: 68_719_476_736,
      software: [{ product: 'PAN Manager', version: '5.2' }],
      environment: 'qa',
      declaredEnvironment: 'qa',
      bootId: 'boot-1',
      heartbeatS: 30,
      state: 'online',
      fault: null,
      silentAt: '2026-01-05T13:01:30.000Z',
      lastSeenAt: now.toISOString(),
    });
  });

  it('lets the contract override the environment a blade declares', async () => {
    const b = new FakeBlade({ site: 'lab', frame: 'f1', blade: 'q1' });
    await send(b, 'birth', b.birth({ environment: 'production' }));
    expect(await getBlade(store.db, 'q1')).toMatchObject({
      environment: 'qa',
      declaredEnvironment: 'production',
    });
  });

  it('keeps the last health and a history of snapshots, and prunes old ones', async () => {
    const b = new FakeBlade({ site: 'nyc1', frame: 'f1', blade: 'b1' });
    for (let i = 0; i < 3; i++) {
      await send(b, 'health', { ...b.health(60), uptimeS: i });
      now = new Date(now.getTime() + 3_600_000);
    }
    const view = await getBlade(store.db, 'b1');
    expect(view?.lastHealth).toMatchObject({ uptimeS: 2, intervalS: 60 });
    expect(view?.lastHealthAt).toBe('2026-01-05T15:00:00.000Z');
    const history = await healthHistory(store.db, 'b1', new Date('2026-01-05T13:30:00Z'));
    expect(history.map((h) => (h.snapshot as { uptimeS: number }).uptimeS)).toEqual([1, 2]);
    expect(await pruneHealthSnapshots(store.db, new Date('2026-01-05T14:30:00Z'))).toBe(2);
    expect(await healthHistory(store.db, 'b1', new Date(0))).toHaveLength(1);
    // A blade long silent keeps its last word however old it is.
    expect(await pruneHealthSnapshots(store.db, new Date('2026-02-01T00:00:00Z'))).toBe(0);
    expect((await getBlade(store.db, 'b1'))?.lastHealth).toMatchObject({ uptimeS: 2 });
  });

  it("reads a blade's history in order, without its neighbours', over short and long windows", async () => {
    const b1 = new FakeBlade({ site: 'nyc1', frame: 'f1', blade: 'b1' });
    const b2 = new FakeBlade({ site: 'nyc1', frame: 'f1', blade: 'b2' });
    const start = now.getTime();
    // Both blades every 40 s for an hour: some minutes hold two of a blade's snapshots.
    for (let i = 0; i < 90; i++) {
      now = new Date(start + i * 40_000);
      await processor.process([
        {
          topic: b1.topic('health'),
          payload: bytes({ ...b1.health(40), uptimeS: i }),
          receivedAt: now,
        },
        {
          topic: b2.topic('health'),
          payload: bytes({ ...b2.health(40), uptimeS: 1000 + i }),
          receivedAt: now,
        },
      ]);
    }
    const since = new Date(start + 30 * 40_000 - 1);
    const until = new Date(start + 3_600_000);
    const uptimes = (h: Awaited<ReturnType<typeof healthHistory>>) =>
      h.map((p) => (p.snapshot as { uptimeS: number }).uptimeS);
    const expected = Array.from({ length: 60 }, (_, i) => i + 30);
    // PostgreSQL: a seek per minute of the hour, a scan for a long window; SQLite walks back. The same.
    expect(uptimes(await healthHistory(store.db, 'b1', since, until))).toEqual(expected);
    expect(
      uptimes(await healthHistory(store.db, 'b1', since, new Date(start + 30 * 86_400_000))),
    ).toEqual(expected);
    expect((await getBlade(store.db, 'b2'))?.lastHealth).toMatchObject({ uptimeS: 1089 });
  });

  it("keeps every snapshot of a batch holding several of a blade's, once, in order", async () => {
    const b1 = new FakeBlade({ site: 'nyc1', frame: 'f1', blade: 'b1' });
    const b2 = new FakeBlade({ site: 'nyc1', frame: 'f1', blade: 'b2' });
    const start = now.getTime();
    const health = (b: FakeBlade, uptimeS: number, at: number) => ({
      topic: b.topic('health'),
      payload: bytes({ ...b.health(60), uptimeS, observedAt: new Date(at).toISOString() }),
      receivedAt: new Date(at),
    });
    const first = health(b1, 1, start);
    // Three of b1's in one batch, between b2's; then a batch replaying one of them.
    await processor.process([
      first,
      health(b2, 101, start + 1000),
      health(b1, 2, start + 2000),
      health(b1, 3, start + 3000),
      health(b2, 102, start + 4000),
    ]);
    const replayed = await processor.process([health(b1, 4, start + 60_000), first]);
    expect(replayed).toMatchObject({ processed: 1, duplicates: 1 });
    const uptimes = async (blade: string, since: number, until = start + 3_600_000) =>
      (await healthHistory(store.db, blade, new Date(since), new Date(until))).map(
        (p) => (p.snapshot as { uptimeS: number }).uptimeS,
      );
    expect(await uptimes('b1', start)).toEqual([1, 2, 3, 4]);
    expect(await uptimes('b2', start)).toEqual([101, 102]);
    expect(await uptimes('b1', start + 2000)).toEqual([2, 3, 4]);
    // Through the minute of `until`: what came after it is left out.
    expect(await uptimes('b1', start, start + 30_000)).toEqual([1, 2, 3]);
    expect((await getBlade(store.db, 'b1'))?.lastHealth).toMatchObject({ uptimeS: 4 });
  });

  it('lists blades by site, frame, state and environment, and sites with their frames', async () => {
    for (const [site, frame, blade] of [
      ['nyc1', 'f1', 'a'],
      ['nyc1', 'f2', 'b'],
      ['chi1', 'f1', 'c'],
    ] as const) {
      const b = new FakeBlade({ site, frame, blade });
      await send(b, 'birth', b.birth());
    }
    const c = new FakeBlade({ site: 'chi1', frame: 'f1', blade: 'c' });
    await send(c, 'state', c.state('offline', 'shutdown'));
    expect((await listBlades(store.db)).map((b) => b.bladeId)).toEqual(['c', 'a', 'b']);
    expect(
      (await listBlades(store.db, { site: 'nyc1', frame: 'f2' })).map((b) => b.bladeId),
    ).toEqual(['b']);
    expect((await listBlades(store.db, { state: 'stopped' })).map((b) => b.bladeId)).toEqual(['c']);

    await syncSites(
      store.db,
      [
        {
          id: 'nyc1',
          name: 'New York 1',
          address: { street: '1 Main St', city: 'New York' },
          contacts: [],
        },
      ],
      now,
    );
    const sites = await listSites(store.db);
    expect(sites).toEqual([
      {
        siteId: 'chi1',
        name: null,
        address: null,
        contacts: null,
        inContract: false,
        frames: [expect.objectContaining({ frameId: 'f1', blades: 1 })],
      },
      {
        siteId: 'nyc1',
        name: 'New York 1',
        address: { street: '1 Main St', city: 'New York' },
        contacts: [],
        inContract: true,
        frames: [
          { frameId: 'f1', state: 'ok', stateSince: now.toISOString(), blades: 1 },
          { frameId: 'f2', state: 'ok', stateSince: now.toISOString(), blades: 1 },
        ],
      },
    ]);
  });

  it('registers a blade first heard of through its will as offline', async () => {
    const b = new FakeBlade({ site: 'nyc1', frame: 'f1', blade: 'ghost' });
    await send(b, 'state', b.state('offline', 'will'));
    expect(await getBlade(store.db, 'ghost')).toMatchObject({ state: 'offline', fault: null });
  });
});
