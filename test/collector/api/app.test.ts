import type { InjectOptions } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IngestProcessor } from '../../../collector/ingest/ingest-processor.js';
import type { ManualClock } from '../../../shared/clock.js';
import { apiHarness, type ApiHarness } from '../../support/api.js';
import { bytes, FakeBlade } from '../../support/messages.js';
import { storeTargets } from '../../support/stores.js';

describe.each(storeTargets)('HTTP API on $name', (target) => {
  let h: ApiHarness;
  let clock: ManualClock;
  let broker: { connected: boolean };
  let lagMs: number;
  let processor: IngestProcessor;
  // Reads as operations (the read-only role); /healthz needs no token.
  const app = { inject: (options: InjectOptions) => h.as('operations', options) };

  beforeEach(async () => {
    broker = { connected: true };
    lagMs = 0;
    h = await apiHarness(target, {
      start: '2026-01-05T13:00:00Z',
      health: {
        broker: () => ({ ...broker, url: 'mqtt://127.0.0.1:1883' }),
        ingest: () => ({ lagMs, storeAvailable: true, pending: 0 }),
        maxLagMs: 10_000,
      },
    });
    clock = h.clock;
    processor = new IngestProcessor({
      db: h.store.db,
      tickets: h.tickets,
      fleet: { silentAfterIntervals: 3, defaultHeartbeatMs: 60_000 },
    });
    const a = new FakeBlade({ site: 'nyc1', frame: 'f1', blade: 'a1' }, undefined, () =>
      clock.now(),
    );
    const q = new FakeBlade({ site: 'nyc1', frame: 'f2', blade: 'q1' }, undefined, () =>
      clock.now(),
    );
    await processor.process([
      { topic: a.topic('birth'), payload: bytes(a.birth()), receivedAt: clock.now() },
      { topic: a.topic('health'), payload: bytes(a.health()), receivedAt: clock.now() },
      {
        topic: q.topic('birth'),
        payload: bytes(q.birth({ environment: 'qa' })),
        receivedAt: clock.now(),
      },
      ...Array.from({ length: 5 }, (_, i) => ({
        topic: a.topic('event'),
        payload: Buffer.from(`bad ${i}`),
        receivedAt: clock.now(),
      })),
    ]);
  });
  afterEach(async () => {
    await h.close();
  });

  it('lists blades, filtered', async () => {
    const all = await app.inject({ url: '/api/blades' });
    expect(all.statusCode).toBe(200);
    expect(all.json().blades.map((b: { bladeId: string }) => b.bladeId)).toEqual(['a1', 'q1']);
    const qa = await app.inject({ url: '/api/blades?environment=qa' });
    expect(qa.json().blades).toEqual([
      expect.objectContaining({ bladeId: 'q1', environment: 'qa', state: 'online' }),
    ]);
    const one = await app.inject({ url: '/api/blades/a1' });
    expect(one.json()).toMatchObject({ bladeId: 'a1', lastHealth: { intervalS: 60 } });
    const history = await app.inject({ url: '/api/blades/a1/health?since=1h' });
    expect(history.json().snapshots).toHaveLength(1);
    const sites = await app.inject({ url: '/api/sites' });
    expect(sites.json().sites[0]).toMatchObject({
      siteId: 'nyc1',
      frames: [{ frameId: 'f1' }, { frameId: 'f2' }],
    });
  });

  it('serves the tickets that ingest opened', async () => {
    const a = new FakeBlade({ site: 'nyc1', frame: 'f1', blade: 'a1' }, 'boot-2', () =>
      clock.now(),
    );
    const fault = a.event('disk.smart.failing', 'active', {
      kind: 'disk',
      id: 'sda',
      location: 'bay 2',
    });
    await processor.process([
      { topic: a.topic('event'), payload: bytes(fault), receivedAt: clock.now() },
    ]);
    const list = await app.inject({ url: '/api/tickets?blade=a1' });
    expect(list.statusCode).toBe(200);
    const [ticket] = list.json().tickets;
    expect(ticket).toMatchObject({ signal: 'disk.smart.failing', bladeId: 'a1' });
    const detail = await app.inject({ url: `/api/tickets/${ticket.id}` });
    expect(detail.statusCode).toBe(200);
    expect(detail.json().clocks.length).toBeGreaterThan(0);
  });

  it('answers errors as {code, message, details}', async () => {
    const bad = await app.inject({ url: '/api/blades?state=sleeping' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      code: 'BF_BAD_REQUEST',
      details: [expect.stringMatching(/^query\.state: /)],
    });
    const missing = await app.inject({ url: '/api/blades/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({
      code: 'BF_NOT_FOUND',
      message: 'not found: blade nope',
      details: [],
    });
    const noRoute = await app.inject({ url: '/api/nothing' });
    expect(noRoute.json()).toMatchObject({ code: 'BF_NOT_FOUND' });
  });

  it('pages dead letters, newest first', async () => {
    const first = await app.inject({ url: '/api/dead-letters?limit=3' });
    const page = first.json();
    expect(page.total).toBe(5);
    expect(page.deadLetters.map((d: { payload: string }) => d.payload)).toEqual([
      'bad 4',
      'bad 3',
      'bad 2',
    ]);
    expect(page.deadLetters[0]).toMatchObject({
      code: 'BF_MESSAGE_INVALID',
      topic: 'bladeframe/v1/nyc1/f1/a1/event',
    });
    const second = await app.inject({ url: `/api/dead-letters?limit=3&before=${page.next}` });
    expect(second.json().deadLetters.map((d: { payload: string }) => d.payload)).toEqual([
      'bad 1',
      'bad 0',
    ]);
    expect(second.json().next).toBeNull();
    expect((await app.inject({ url: '/api/dead-letters?limit=0' })).statusCode).toBe(400);
  });

  it('reports store, broker and ingest lag on /healthz', async () => {
    const healthy = await h.as(null, { url: '/healthz' });
    expect(healthy.statusCode).toBe(200);
    expect(healthy.json()).toMatchObject({
      status: 'ok',
      store: { ok: true, dialect: target.name },
      broker: { ok: true, connected: true },
      ingest: { ok: true, lagMs: 0 },
    });
    broker.connected = false;
    lagMs = 20_000;
    const degraded = await h.as(null, { url: '/healthz' });
    expect(degraded.statusCode).toBe(503);
    expect(degraded.json()).toMatchObject({
      status: 'degraded',
      broker: { ok: false },
      ingest: { ok: false, lagMs: 20_000 },
    });
  });
});
