import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BladeCache } from '../../../collector/fleet/blade-cache.js';
import { listBlades } from '../../../collector/fleet/fleet-queries.js';
import { LivenessMonitor } from '../../../collector/fleet/liveness.js';
import { IngestProcessor } from '../../../collector/ingest/ingest-processor.js';
import type { Store } from '../../../collector/store/open-store.js';
import { ManualClock } from '../../../shared/clock.js';
import type { MessageKind } from '../../../shared/topics.js';
import { bytes, FakeBlade } from '../../support/messages.js';
import { RecordingTickets } from '../../support/recording-tickets.js';
import { storeTargets } from '../../support/stores.js';

const S = 1000;
const settings = { silentAfterIntervals: 3, frameMinBlades: 2, scanIntervalMs: 30 * S };

describe.each(storeTargets)('fleet liveness on $name', (target) => {
  let store: Store;
  let clock: ManualClock;
  let tickets: RecordingTickets;
  let processor: IngestProcessor;
  let liveness: LivenessMonitor;
  let bladeCache: BladeCache | undefined;

  beforeEach(async () => {
    store = await target.open();
    clock = new ManualClock('2026-01-05T13:00:00Z');
    tickets = new RecordingTickets();
    // As the collector runs: ingest keeps its blades in memory on SQLite, and liveness's writes
    // make it forget them.
    bladeCache = store.dialect === 'sqlite' ? new BladeCache() : undefined;
    processor = new IngestProcessor({
      db: store.db,
      tickets,
      fleet: { silentAfterIntervals: 3, defaultHeartbeatMs: 60 * S, cache: bladeCache },
    });
    liveness = newMonitor();
  });
  afterEach(async () => {
    await liveness.stop();
    await store.close();
  });

  function newMonitor() {
    return new LivenessMonitor({ db: store.db, clock, tickets, settings, bladeCache });
  }

  const blade = (frame: string, name: string) =>
    new FakeBlade({ site: 'nyc1', frame, blade: name }, undefined, () => clock.now());

  async function send(b: FakeBlade, kind: MessageKind, message: unknown) {
    const outcome = await processor.process([
      { topic: b.topic(kind), payload: bytes(message), receivedAt: clock.now() },
    ]);
    if (outcome.livenessChanged) liveness.poke();
    await liveness.reconcile();
  }

  async function boot(b: FakeBlade) {
    await send(b, 'state', b.state('online', 'connect'));
    await send(b, 'birth', b.birth());
    await send(b, 'health', b.health(60));
  }

  async function advance(ms: number) {
    // Move in small steps so every timer that falls due on the way runs its pass.
    for (let left = ms; left > 0; left -= 5 * S) {
      clock.advance(Math.min(5 * S, left));
      await liveness.reconcile();
    }
  }

  const states = async () =>
    Object.fromEntries(
      (await listBlades(store.db)).map((b) => [b.bladeId, `${b.state}/${b.fault ?? '-'}`]),
    );

  it('reports a blade whose will arrives as offline, once, after the frame window', async () => {
    const [b1, b2] = [blade('f1', 'b1'), blade('f1', 'b2')];
    await liveness.start();
    await boot(b1);
    await boot(b2);
    await send(b1, 'state', b1.state('offline', 'will'));
    const willAt = clock.now().toISOString();
    expect(tickets.observations).toHaveLength(0);
    await advance(30 * S);
    await send(b2, 'health', b2.health(60));
    expect(tickets.observations).toHaveLength(0);
    await advance(40 * S);
    expect(tickets.signals()).toEqual(['blade.offline:active:b1']);
    expect(tickets.observations[0]).toMatchObject({
      source: 'fleet',
      siteId: 'nyc1',
      frameId: 'f1',
      bladeId: 'b1',
      observedAt: willAt,
      component: { kind: 'blade', id: 'b1' },
    });
    expect(tickets.inTransaction).toEqual([true]);
    expect(await states()).toMatchObject({ b1: 'offline/blade.offline', b2: 'online/-' });
    for (let t = 0; t < 10; t++) {
      await advance(50 * S);
      await send(b2, 'health', b2.health(60));
    }
    expect(tickets.observations).toHaveLength(1);
  });

  it('reports a lone blade at once, and clears it when the blade is back', async () => {
    const b1 = blade('f9', 'b1');
    await liveness.start();
    await boot(b1);
    await send(b1, 'state', b1.state('offline', 'will'));
    expect(tickets.signals()).toEqual(['blade.offline:active:b1']);
    await advance(10 * S);
    await send(b1, 'state', b1.state('online', 'connect'));
    expect(tickets.signals()).toEqual(['blade.offline:active:b1', 'blade.offline:cleared:b1']);
    expect(await states()).toEqual({ b1: 'online/-' });
  });

  it('calls a blade silent after N heartbeat intervals without health, dated at the deadline', async () => {
    const b1 = blade('f9', 'b1');
    await liveness.start();
    await boot(b1);
    const lastHealth = clock.now().getTime();
    await advance(175 * S);
    expect(tickets.observations).toHaveLength(0);
    await send(
      b1,
      'event',
      b1.event('kernel.oom_kill', 'active', { kind: 'kernel', id: 'oom', location: null }),
    );
    await advance(10 * S);
    // An event is not a heartbeat: only health keeps a blade from silence.
    expect(tickets.signals()).toEqual(['kernel.oom_kill:active:b1', 'blade.silent:active:b1']);
    expect(tickets.observations[1]!.observedAt).toBe(new Date(lastHealth + 180 * S).toISOString());
    expect(tickets.observations[1]!.evidence).toMatchObject({
      heartbeatS: 60,
      silentAfterIntervals: 3,
    });
    await send(b1, 'health', b1.health(60));
    expect(tickets.signals().at(-1)).toBe('blade.silent:cleared:b1');
  });

  it('follows the interval each health message states', async () => {
    const b1 = blade('f9', 'b1');
    await liveness.start();
    await boot(b1);
    await send(b1, 'health', b1.health(10));
    await advance(31 * S);
    expect(tickets.signals()).toEqual(['blade.silent:active:b1']);
  });

  it('reports a whole frame going silent once, as frame.silent, not blade by blade', async () => {
    const blades = ['b1', 'b2', 'b3', 'b4'].map((n) => blade('f1', n));
    const other = blade('f2', 'x1');
    await liveness.start();
    for (const b of [...blades, other]) await boot(b);
    // Heartbeats out of phase, then frame f1 loses power; f2 goes on.
    for (const [i, b] of blades.entries()) {
      await advance(12 * S);
      await send(b, 'health', b.health(60));
      if (i === 1) await send(other, 'health', other.health(60));
    }
    for (let t = 0; t < 8; t++) {
      await advance(50 * S);
      await send(other, 'health', other.health(60));
    }
    expect(tickets.signals()).toEqual(['frame.silent:active:f1']);
    const frameFault = tickets.observations[0]!;
    expect(frameFault).toMatchObject({ bladeId: null, component: { kind: 'frame', id: 'f1' } });
    expect(frameFault.evidence).toMatchObject({ blades: 4, silent: 4 });
    expect(await states()).toEqual({
      b1: 'silent/frame.silent',
      b2: 'silent/frame.silent',
      b3: 'silent/frame.silent',
      b4: 'silent/frame.silent',
      x1: 'online/-',
    });

    // Power back for one blade: the frame is no longer silent; the others, still down, are each
    // reported after a fresh window; then they come back too.
    await send(blades[0]!, 'state', blades[0]!.state('online', 'connect'));
    expect(tickets.signals().slice(1)).toEqual(['frame.silent:cleared:f1']);
    await advance(30 * S);
    await send(blades[0]!, 'health', blades[0]!.health(60));
    await advance(35 * S);
    expect(tickets.signals().slice(2).sort()).toEqual([
      'blade.silent:active:b2',
      'blade.silent:active:b3',
      'blade.silent:active:b4',
    ]);
    for (const b of blades.slice(1)) await send(b, 'health', b.health(60));
    expect(tickets.signals().slice(5).sort()).toEqual([
      'blade.silent:cleared:b2',
      'blade.silent:cleared:b3',
      'blade.silent:cleared:b4',
    ]);
  });

  it('folds wills of a whole frame into one frame.silent', async () => {
    const blades = ['b1', 'b2', 'b3'].map((n) => blade('f1', n));
    await liveness.start();
    for (const b of blades) await boot(b);
    for (const b of blades) {
      await send(b, 'state', b.state('offline', 'will'));
      await advance(5 * S);
    }
    await advance(60 * S);
    expect(tickets.signals()).toEqual(['frame.silent:active:f1']);
    expect(tickets.observations[0]!.evidence).toMatchObject({ offline: 3 });
  });

  it('takes a clean shutdown for no fault and leaves the blade out of its frame', async () => {
    const [b1, b2] = [blade('f1', 'b1'), blade('f1', 'b2')];
    await liveness.start();
    await boot(b1);
    await boot(b2);
    await send(b1, 'state', b1.state('offline', 'shutdown'));
    await advance(600 * S);
    expect(await states()).toMatchObject({ b1: 'stopped/-', b2: 'silent/blade.silent' });
    expect(tickets.signals()).toEqual(['blade.silent:active:b2']);
  });

  it('recomputes from the store after a restart, giving queued heartbeats a grace period', async () => {
    const [b1, b2] = [blade('f1', 'b1'), blade('f2', 'b2')];
    await liveness.start();
    await boot(b1);
    await boot(b2);
    await liveness.stop();

    // The collector is down for ten minutes; both deadlines pass meanwhile.
    clock.advance(600 * S);
    liveness = newMonitor();
    await liveness.start();
    expect(tickets.observations).toHaveLength(0);
    // b2's heartbeats were queued by the broker and arrive now; b1 really is gone.
    await send(b2, 'health', b2.health(60));
    await advance(61 * S);
    expect(tickets.signals()).toEqual(['blade.silent:active:b1']);
    expect(await states()).toMatchObject({ b1: 'silent/blade.silent', b2: 'online/-' });
  });

  it('raises a fault once when two monitors share the store', async () => {
    const b1 = blade('f9', 'b1');
    await liveness.start();
    const second = newMonitor();
    await second.start();
    await boot(b1);
    clock.advance(200 * S);
    await Promise.all([liveness.reconcile(), second.reconcile()]);
    await Promise.all([liveness.reconcile(), second.reconcile()]);
    expect(tickets.signals()).toEqual(['blade.silent:active:b1']);
    await second.stop();
  });
});
