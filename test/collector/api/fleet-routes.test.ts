import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IngestProcessor } from '../../../collector/ingest/ingest-processor.js';
import { apiHarness, type ApiHarness } from '../../support/api.js';
import { bytes, FakeBlade } from '../../support/messages.js';
import { storeTargets } from '../../support/stores.js';
import { engineer, observation } from '../../support/tickets.js';

describe.each(storeTargets)('fleet endpoints on $name', (target) => {
  let h: ApiHarness;
  let processor: IngestProcessor;
  const blades: Record<string, FakeBlade> = {};

  beforeEach(async () => {
    h = await apiHarness(target);
    processor = new IngestProcessor({
      db: h.store.db,
      tickets: h.tickets,
      fleet: { silentAfterIntervals: 3, defaultHeartbeatMs: 60_000 },
    });
    for (const [frame, blade] of [
      ['f1', 'a1'],
      ['f1', 'a2'],
      ['f2', 'b1'],
    ] as const) {
      blades[blade] = new FakeBlade({ site: 'nj1', frame, blade }, undefined, () => h.clock.now());
    }
    await processor.process(
      Object.values(blades).map((b) => ({
        topic: b.topic('birth'),
        payload: bytes(b.birth()),
        receivedAt: h.clock.now(),
      })),
    );
  });
  afterEach(() => h.close());

  async function health(blade: FakeBlade) {
    await processor.process([
      { topic: blade.topic('health'), payload: bytes(blade.health()), receivedAt: h.clock.now() },
    ]);
  }

  it('shows frames x blades, each blade with its worst standing fault', async () => {
    const dimm = await h.tickets.recordObservation(
      observation(h.clock, { frameId: 'f1', bladeId: 'a1' }),
    );
    await h.tickets.recordObservation(
      observation(h.clock, {
        frameId: 'f1',
        bladeId: 'a1',
        signal: 'filesystem.full',
        component: { kind: 'filesystem', id: '/var', location: null },
        evidence: { usedPercent: 97 },
      }),
    );
    // A fixed fault no longer colours its blade.
    const fixed = await h.tickets.recordObservation(
      observation(h.clock, { frameId: 'f2', bladeId: 'b1' }),
    );
    await h.tickets.respond(fixed.ticketId!, engineer);
    await h.tickets.markFixed(fixed.ticketId!, engineer, { resolution: 'reseated' });
    await processor.process([
      {
        topic: blades.a2!.topic('state'),
        payload: bytes(blades.a2!.state('offline', 'will')),
        receivedAt: h.clock.now(),
      },
    ]);

    const response = await h.as('operations', { url: '/api/frames' });
    expect(response.statusCode).toBe(200);
    const { frames } = response.json();
    expect(frames).toEqual([
      expect.objectContaining({
        siteId: 'nj1',
        frameId: 'f1',
        state: 'ok',
        openTickets: 0,
        blades: [
          expect.objectContaining({
            bladeId: 'a1',
            state: 'online',
            openTickets: 2,
            worstSeverity: 2,
          }),
          expect.objectContaining({
            bladeId: 'a2',
            state: 'offline',
            openTickets: 0,
            worstSeverity: null,
          }),
        ],
      }),
      expect.objectContaining({
        frameId: 'f2',
        blades: [expect.objectContaining({ bladeId: 'b1', openTickets: 0, worstSeverity: null })],
      }),
    ]);
    expect(dimm.created).toBe(true);
    expect((await h.as('operations', { url: '/api/frames?site=ny2' })).json()).toEqual({
      frames: [],
    });
    expect((await h.as('operations', { url: '/api/frames?site=a/b' })).statusCode).toBe(400);
  });

  it('shows a blade with its last health, its last 24 hours and its standing tickets', async () => {
    await health(blades.a1!);
    h.clock.advance(23 * 3_600_000);
    await health(blades.a1!);
    h.clock.advance(2 * 3_600_000);
    await health(blades.a1!);
    await h.tickets.recordObservation(observation(h.clock, { frameId: 'f1', bladeId: 'a1' }));

    const response = await h.as('customer', { url: '/api/blades/a1' });
    expect(response.statusCode).toBe(200);
    const blade = response.json();
    expect(blade).toMatchObject({
      bladeId: 'a1',
      lastHealth: { intervalS: 60 },
      tickets: [expect.objectContaining({ signal: 'memory.ecc.uncorrectable', state: 'open' })],
    });
    // The first snapshot is 25 hours old: out of the day.
    expect(blade.history.samples).toHaveLength(2);
    expect(blade.history.samples[0]).toEqual({
      at: expect.any(String),
      load1: 0.5,
      cpuBusyPercent: 12.5,
      memoryUsedPercent: 50,
      maxTemperatureC: null,
      maxFilesystemUsedPercent: 40,
      counters: expect.objectContaining({ edacUncorrectable: 0 }),
    });
    expect((await h.as('customer', { url: '/api/blades/nope' })).statusCode).toBe(404);
    expect((await h.as('customer', { url: '/api/blades/%20x' })).statusCode).toBe(400);
  });
});
