import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnyTicketEvent } from '../../../collector/domain/ticket-events.js';
import { TicketService, type ObservationInput } from '../../../collector/tickets/ticket-service.js';
import { storeTargets } from '../../support/stores.js';
import {
  contract,
  observation,
  rowsAndLogs,
  ticketHarness,
  type TicketHarness,
} from '../../support/tickets.js';

describe.each(storeTargets)('observations into tickets on $name', (target) => {
  let h: TicketHarness;
  beforeEach(async () => {
    h = await ticketHarness(target);
  });
  afterEach(() => h.close());

  it('opens a ticket with its classification, the rule that fired and why', async () => {
    const seen: AnyTicketEvent[] = [];
    h.service.onEvent((e) => seen.push(e));
    const result = await h.service.recordObservation(observation(h.clock));
    expect(result.created).toBe(true);
    const ticket = await h.service.get(result.ticketId!);
    expect(ticket!.view).toMatchObject({
      state: 'open',
      severity: 2,
      domain: 'hardware',
      occurrences: 1,
      test: false,
      parentId: null,
      classification: {
        ruleId: 'memory-uncorrectable',
        domain: 'hardware',
        severity: 2,
        replaceable: 'FRU',
        because: ['signal is memory.ecc.uncorrectable'],
      },
    });
    expect(ticket!.view.classification.explanation).toContain('CPU0_DIMM_A1');
    expect(seen.map((e) => e.type)).toEqual(['opened']);
    expect(seen[0]!.ticketId).toBe(result.ticketId);
  });

  it('turns repeats of one fault into occurrences on the same ticket', async () => {
    const first = await h.service.recordObservation(observation(h.clock));
    h.clock.advance(60_000);
    const second = await h.service.recordObservation(
      observation(h.clock, { evidence: { count: 2, previous: 1, delta: 1 } }),
    );
    h.clock.advance(60_000);
    const third = await h.service.recordObservation(observation(h.clock));
    expect(second).toEqual({ ticketId: first.ticketId, created: false });
    expect(third).toEqual({ ticketId: first.ticketId, created: false });
    const { view, events } = (await h.service.get(first.ticketId!))!;
    expect(view.occurrences).toBe(3);
    expect(view.lastSeenAt).toBe(h.clock.now().toISOString());
    expect(events.map((e) => e.type)).toEqual(['opened', 'occurrence', 'occurrence']);
    expect(events[1]!.data).toMatchObject({ evidence: { count: 2, previous: 1, delta: 1 } });
    const row = await h.store.db
      .selectFrom('tickets')
      .select(['occurrences', 'last_seen_at'])
      .where('id', '=', Number(first.ticketId))
      .executeTakeFirstOrThrow();
    expect(Number(row.occurrences)).toBe(3);
  });

  it('keeps faults of other blades, signals and components apart', async () => {
    const base = await h.service.recordObservation(observation(h.clock));
    const variants = [
      observation(h.clock, { bladeId: 'b02' }),
      observation(h.clock, { frameId: 'f2' }),
      observation(h.clock, { siteId: 'ny2' }),
      observation(h.clock, { component: { kind: 'dimm', id: 'mc0/csrow2/ch0', location: null } }),
      observation(h.clock, { signal: 'memory.ecc.correctable' }),
    ];
    const ids = new Set([base.ticketId]);
    for (const v of variants) {
      const r = await h.service.recordObservation(v);
      expect(r.created).toBe(true);
      ids.add(r.ticketId);
    }
    expect(ids.size).toBe(6);
  });

  it('records a cleared condition once, keeps the ticket open, and a recurrence un-clears it', async () => {
    const opened = await h.service.recordObservation(observation(h.clock));
    h.clock.advance(120_000);
    const cleared = await h.service.recordObservation(observation(h.clock, { status: 'cleared' }));
    const again = await h.service.recordObservation(observation(h.clock, { status: 'cleared' }));
    expect(cleared).toEqual({ ticketId: opened.ticketId, created: false });
    expect(again).toEqual({ ticketId: opened.ticketId, created: false });
    const first = (await h.service.get(opened.ticketId!))!;
    let view = first.view;
    const events = first.events;
    expect(view.state).toBe('open');
    expect(view.clearedAt).toBe(h.clock.now().toISOString());
    expect(events.map((e) => e.type)).toEqual(['opened', 'cleared']);

    h.clock.advance(60_000);
    await h.service.recordObservation(observation(h.clock));
    ({ view } = (await h.service.get(opened.ticketId!))!);
    expect(view.clearedAt).toBeNull();
    expect(view.occurrences).toBe(2);
  });

  it('keeps the ticket row in step with its log through repeats and clearing, batched or not', async () => {
    const steps: Partial<ObservationInput>[] = [
      {},
      { evidence: { count: 2 } },
      { status: 'cleared' },
      { status: 'cleared' },
      {},
      { status: 'cleared' },
      { bladeId: 'b02' },
      { bladeId: 'b02', status: 'cleared' },
    ];
    for (const step of steps) {
      h.clock.advance(60_000);
      await h.service.recordObservation(observation(h.clock, step));
    }
    await h.store.db.transaction().execute(async (tx) => {
      for (const step of steps) {
        h.clock.advance(1_000);
        await h.service.recordObservation(observation(h.clock, { ...step, frameId: 'f2' }), tx);
      }
    });
    const pairs = await rowsAndLogs(h);
    expect(pairs).toHaveLength(4);
    for (const { row, log } of pairs) expect(row).toBe(log);
  });

  it('ignores a cleared condition with no open ticket', async () => {
    expect(await h.service.recordObservation(observation(h.clock, { status: 'cleared' }))).toEqual({
      ticketId: null,
      created: false,
    });
    const count = await h.store.db
      .selectFrom('tickets')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('handles fleet signals: a blade offline opens, its return clears', async () => {
    const offline = observation(h.clock, {
      source: 'fleet',
      signal: 'blade.offline',
      component: { kind: 'blade', id: 'b07', location: null },
      bladeId: 'b07',
      evidence: { cause: 'will' },
      summary: 'Blade b07 went offline',
    });
    const opened = await h.service.recordObservation(offline);
    expect(opened.created).toBe(true);
    h.clock.advance(300_000);
    const back = await h.service.recordObservation({
      ...offline,
      status: 'cleared',
      observedAt: h.clock.now().toISOString(),
      receivedAt: h.clock.now().toISOString(),
    });
    expect(back.ticketId).toBe(opened.ticketId);
    const { view } = (await h.service.get(opened.ticketId!))!;
    expect(view).toMatchObject({
      severity: 2,
      domain: 'undetermined',
      clearedAt: h.clock.now().toISOString(),
      classification: { ruleId: 'blade-offline' },
    });
    expect(view.opened.source).toBe('fleet');
  });

  it('opens a new call when a fault recurs after its ticket was fixed', async () => {
    const first = await h.service.recordObservation(observation(h.clock));
    const actor = { kind: 'user', id: 'eng', role: 'engineer' } as const;
    await h.service.respond(first.ticketId!, actor);
    await h.service.markFixed(first.ticketId!, actor, { resolution: 'DIMM reseated' });
    h.clock.advance(3_600_000);
    const second = await h.service.recordObservation(observation(h.clock));
    expect(second.created).toBe(true);
    expect(second.ticketId).not.toBe(first.ticketId);
  });

  it('dates detection by the agent, bounded by the receive time beyond the allowed skew', async () => {
    const received = h.clock.now();
    const observedAt = new Date(received.getTime() - 60_000).toISOString();
    const near = await h.service.recordObservation(observation(h.clock, { observedAt }));
    expect((await h.service.get(near.ticketId!))!.view.opened.detectedAt).toBe(observedAt);

    const farPast = new Date(received.getTime() - 3 * 3_600_000).toISOString();
    const skewed = await h.service.recordObservation(
      observation(h.clock, { bladeId: 'b02', observedAt: farPast }),
    );
    const view = (await h.service.get(skewed.ticketId!))!.view;
    expect(view.opened.detectedAt).toBe(received.toISOString());
    expect(view.opened.observedAt).toBe(farPast);

    const ahead = new Date(received.getTime() + 60_000).toISOString();
    const future = await h.service.recordObservation(
      observation(h.clock, { bladeId: 'b03', observedAt: ahead }),
    );
    expect((await h.service.get(future.ticketId!))!.view.opened.detectedAt).toBe(
      received.toISOString(),
    );
  });

  it('survives unparseable times by falling back to the receipt, then to now', async () => {
    const r = await h.service.recordObservation(
      observation(h.clock, { observedAt: 'yesterday', receivedAt: 'soon' }),
    );
    const view = (await h.service.get(r.ticketId!))!.view;
    expect(view.opened.detectedAt).toBe(h.clock.now().toISOString());
  });

  it('opens an unknown signal as undetermined rather than dropping it', async () => {
    const r = await h.service.recordObservation(
      observation(h.clock, { signal: 'psu.smoke' as never, evidence: { ppm: 900 } }),
    );
    const view = (await h.service.get(r.ticketId!))!.view;
    expect(view.classification).toMatchObject({
      ruleId: 'unmatched',
      domain: 'undetermined',
      severity: 3,
    });
  });

  it('acknowledges and closes test calls at once, marks them test, and gives each its own ticket', async () => {
    const test = observation(h.clock, {
      signal: 'test.call',
      component: { kind: 'agent', id: 'agent', location: null },
      evidence: {},
      summary: 'Test call requested by operator',
    });
    const a = await h.service.recordObservation(test);
    const b = await h.service.recordObservation(test);
    expect(a.created && b.created).toBe(true);
    expect(a.ticketId).not.toBe(b.ticketId);
    const { view, events } = (await h.service.get(a.ticketId!))!;
    expect(view).toMatchObject({
      test: true,
      state: 'closed',
      acknowledgedAt: h.clock.now().toISOString(),
      closedAt: h.clock.now().toISOString(),
      consent: { by: 'collector', text: expect.stringContaining('not a service call') },
      classification: { ruleId: 'test-call' },
    });
    expect(events.map((e) => [e.type, e.actor.kind])).toEqual([
      ['opened', 'system'],
      ['acknowledged', 'system'],
      ['closed', 'system'],
    ]);
    const row = await h.store.db
      .selectFrom('tickets')
      .select(['test', 'active_fingerprint'])
      .where('id', '=', Number(a.ticketId))
      .executeTakeFirstOrThrow();
    expect(Number(row.test)).toBe(1);
    expect(row.active_fingerprint).toBeNull();
  });

  it('joins a transaction handed in by ingest and commits or rolls back with it', async () => {
    await expect(
      h.store.db.transaction().execute(async (tx) => {
        await h.service.recordObservation(observation(h.clock), tx);
        throw new Error('batch failed');
      }),
    ).rejects.toThrow('batch failed');
    expect(await h.store.db.selectFrom('tickets').selectAll().execute()).toEqual([]);

    const ids = await h.store.db.transaction().execute(async (tx) => {
      const a = await h.service.recordObservation(observation(h.clock), tx);
      const b = await h.service.recordObservation(observation(h.clock), tx);
      return [a, b];
    });
    expect(ids[0]!.created).toBe(true);
    expect(ids[1]).toEqual({ ticketId: ids[0]!.ticketId, created: false });
  });

  it('keeps one open ticket per fingerprint under concurrent inserts from two collectors', async () => {
    const other = new TicketService({ db: h.store.db, clock: h.clock, contract });
    const services = [h.service, other];
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        services[i % 2]!.recordObservation(observation(h.clock, { evidence: { n: i } })),
      ),
    );
    const ids = new Set(results.map((r) => r.ticketId));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const { view, events } = (await h.service.get([...ids][0]!))!;
    expect(view.occurrences).toBe(16);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
  });
});
