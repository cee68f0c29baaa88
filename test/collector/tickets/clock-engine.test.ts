import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnyTicketEvent } from '../../../collector/domain/ticket-events.js';
import { ClockEngine } from '../../../collector/tickets/clock-engine.js';
import { TicketService } from '../../../collector/tickets/ticket-service.js';
import { storeTargets } from '../../support/stores.js';
import {
  clockDueAt,
  contract,
  customer,
  engineer,
  observation,
  ticketHarness,
  type TicketHarness,
} from '../../support/tickets.js';

const CLOCK_TYPES = new Set(['clock-warning', 'clock-breached', 'escalated']);

function clockEvents(events: AnyTicketEvent[]) {
  return events
    .filter((e) => CLOCK_TYPES.has(e.type))
    .map((e) => {
      const data = e.data as { clock?: string; iteration?: number; role?: string };
      return [e.type, data.clock ?? data.role, e.at] as const;
    });
}

describe.each(storeTargets)('clock engine on $name', (target) => {
  let h: TicketHarness;
  let engines: ClockEngine[];
  beforeEach(async () => {
    // Monday 5 January 2026, 09:00 New York (14:00 UTC): business hours.
    h = await ticketHarness(target, { start: '2026-01-05T14:00:00Z' });
    engines = [];
  });
  afterEach(async () => {
    for (const engine of engines) await engine.stop();
    await h.close();
  });

  function engine(service = h.service, pollIntervalMs = 60_000): ClockEngine {
    const e = new ClockEngine({ tickets: service, pollIntervalMs });
    engines.push(e);
    return e;
  }

  async function at(time: string, ...running: ClockEngine[]) {
    h.clock.set(time);
    for (const e of running) await e.idle();
  }

  /** A severity 3 hardware fault: response 4 business hours; escalations 8h, 24h, 48h. */
  const thermal = () =>
    h.service.recordObservation(
      observation(h.clock, {
        signal: 'thermal.warning',
        component: { kind: 'sensor', id: 'cpu0', location: null },
        evidence: { celsius: 88, threshold: 85 },
        summary: 'CPU0 warm',
      }),
    );

  it('records the warning, the breach and each escalation once, at their times, across a restart', async () => {
    const { ticketId } = await thermal();
    const id = ticketId!;
    const first = engine();
    await first.start();
    const due = () => clockDueAt(h, id);
    const events = async () => clockEvents((await h.service.get(id))!.events);

    // Response due 13:00 New York (4 business hours); warned at three quarters, 12:00.
    expect(await due()).toBe('2026-01-05T17:00:00.000Z');
    expect(await events()).toEqual([]);
    await at('2026-01-05T16:59:59.999Z', first);
    expect(await events()).toEqual([]);
    await at('2026-01-05T17:00:00.000Z', first);
    expect(await events()).toEqual([['clock-warning', 'response', '2026-01-05T17:00:00.000Z']]);
    expect(await due()).toBe('2026-01-05T18:00:00.001Z');
    await at('2026-01-05T18:00:00.000Z', first);
    expect(await events()).toHaveLength(1);
    await at('2026-01-05T18:00:00.001Z', first);
    // Customer engineer: 8 business hours from detection, 17:00 New York.
    await at('2026-01-05T22:00:00.000Z', first);
    expect(await events()).toEqual([
      ['clock-warning', 'response', '2026-01-05T17:00:00.000Z'],
      ['clock-breached', 'response', '2026-01-05T18:00:00.001Z'],
      ['escalated', 'customer-engineer', '2026-01-05T22:00:00.000Z'],
    ]);

    // The collector stops; time passes; a new one starts and recomputes from the store.
    await first.stop();
    h.clock.set('2026-01-07T15:00:00.000Z');
    expect(await events()).toHaveLength(3);
    const second = engine();
    await second.start();
    // Technical service management: 24 business hours, Wednesday 09:00 New York; recorded at
    // the restart, once.
    expect(await events()).toEqual([
      ['clock-warning', 'response', '2026-01-05T17:00:00.000Z'],
      ['clock-breached', 'response', '2026-01-05T18:00:00.001Z'],
      ['escalated', 'customer-engineer', '2026-01-05T22:00:00.000Z'],
      ['escalated', 'technical-service-management', '2026-01-07T15:00:00.000Z'],
    ]);
    expect(await second.runDue()).toBe(0);
    expect(await events()).toHaveLength(4);

    // A fix before the next cell cancels it.
    await h.service.respond(id, engineer);
    await h.service.markFixed(id, engineer, { resolution: 'Fan reseated' });
    await second.runDue();
    await at('2026-01-12T15:00:00.000Z', second);
    expect(await events()).toHaveLength(4);
    const escalated = (await h.service.get(id))!.events.find((e) => e.type === 'escalated');
    expect(escalated).toMatchObject({
      actor: { kind: 'system' },
      data: { role: 'customer-engineer', severity: 3, after: '8h' },
    });
  });

  it('wakes at the earliest due time of all tickets, its own timer driven by the clock', async () => {
    const e = engine();
    await e.start();
    const late = await thermal();
    // A severity 2 fault a minute later: on-site response 4 h (continuous), warned after 3 h.
    h.clock.advance(60_000);
    const early = await h.service.recordObservation(observation(h.clock, { bladeId: 'b09' }));
    await e.runDue();
    await e.idle();
    await at('2026-01-05T17:00:00.000Z', e);
    const warned = async (id: string) =>
      clockEvents((await h.service.get(id))!.events).map(([type, clock]) => `${type}:${clock}`);
    expect(await warned(late.ticketId!)).toEqual(['clock-warning:response']);
    expect(await warned(early.ticketId!)).toEqual(['escalated:customer-engineer']);
    await at('2026-01-05T17:01:00.000Z', e);
    expect(await warned(early.ticketId!)).toEqual([
      'escalated:customer-engineer',
      'clock-warning:onsite-response',
    ]);
  });

  it('recomputes on a change to the log: a response in time means no warning', async () => {
    const e = engine();
    await e.start();
    const { ticketId } = await thermal();
    h.clock.advance(30 * 60_000);
    await h.service.respond(ticketId!, engineer);
    h.clock.advance(0);
    await e.idle();
    await at('2026-01-05T19:00:00.000Z', e);
    expect(clockEvents((await h.service.get(ticketId!))!.events)).toEqual([]);
  });

  it('looks at the changes of `gatherMs` together, and a later change never puts it off', async () => {
    const e = new ClockEngine({ tickets: h.service, pollIntervalMs: 60_000, gatherMs: 20 });
    engines.push(e);
    await e.start();
    const warm = (id: string) =>
      h.service.recordObservation(
        observation(h.clock, {
          signal: 'thermal.warning',
          component: { kind: 'sensor', id, location: null },
          evidence: { celsius: 88, threshold: 85 },
          summary: `${id} warm`,
        }),
      );
    // A new ticket is due at once (its clocks not yet computed), until the engine looks.
    const dues = async () =>
      (await h.store.db.selectFrom('tickets').select('clock_due_at').orderBy('id').execute()).map(
        (r) => r.clock_due_at,
      );
    await warm('cpu0');
    h.clock.advance(15);
    await warm('cpu1');
    h.clock.advance(4);
    await e.idle();
    expect(await dues()).toEqual(['2026-01-05T14:00:00.000Z', '2026-01-05T14:00:00.015Z']);
    // 20 ms after the first change, not after the second: one look computes both.
    h.clock.advance(1);
    await e.idle();
    expect(await dues()).toEqual(['2026-01-05T17:00:00.000Z', '2026-01-05T17:00:00.015Z']);
  });

  it('moves its wake-up earlier when a raise brings a deadline forward', async () => {
    // No polling to fall back on: the raise itself must reschedule the engine.
    const e = engine(h.service, 7 * 86_400_000);
    await e.start();
    const { ticketId } = await thermal();
    h.clock.advance(0);
    await e.idle();
    await at('2026-01-05T14:30:00.000Z', e);
    // Severity 1 from the raise: escalation to the customer engineer after 1 h, on-site in 2 h.
    await h.service.raiseSeverity(ticketId!, customer, { to: 1, reason: 'trading floor down' });
    h.clock.advance(0);
    await e.idle();
    await at('2026-01-05T15:30:00.000Z', e);
    expect(clockEvents((await h.service.get(ticketId!))!.events)).toEqual([
      ['escalated', 'customer-engineer', '2026-01-05T15:30:00.000Z'],
    ]);
    await at('2026-01-05T16:00:00.000Z', e);
    expect(clockEvents((await h.service.get(ticketId!))!.events)).toContainEqual([
      'clock-warning',
      'onsite-response',
      '2026-01-05T16:00:00.000Z',
    ]);
  });

  it('publishes its events to the service listeners', async () => {
    const seen: string[] = [];
    h.service.onEvent((event) => seen.push(event.type));
    const e = engine();
    await e.start();
    await thermal();
    await at('2026-01-05T17:00:00.000Z', e);
    expect(seen).toEqual(['opened', 'clock-warning']);
  });

  it('leaves storm children to their parent', async () => {
    const e = engine();
    await e.start();
    for (const blade of ['b01', 'b02', 'b03', 'b04']) {
      await h.service.recordObservation(
        observation(h.clock, {
          bladeId: blade,
          signal: 'fan.failed',
          component: { kind: 'fan', id: 'fan1', location: null },
        }),
      );
    }
    await e.runDue();
    await at('2026-01-05T18:00:00.000Z', e);
    const rows = await h.store.db
      .selectFrom('tickets')
      .select(['id', 'parent_id', 'signal'])
      .execute();
    const parent = rows.find((r) => r.signal === 'frame.storm')!;
    expect(rows.filter((r) => r.parent_id !== null)).toHaveLength(4);
    for (const row of rows) {
      const types = clockEvents((await h.service.get(String(row.id)))!.events).map((x) => x[0]);
      if (row.id === parent.id) expect(types.length).toBeGreaterThan(0);
      else expect(types).toEqual([]);
    }
  });

  it('lets several collectors share the work without doing any of it twice', async () => {
    const services = [h.service, new TicketService({ db: h.store.db, clock: h.clock, contract })];
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await services[i % 2]!.recordObservation(
        observation(h.clock, { bladeId: `b${i}`, frameId: `f${i}` }),
      );
      ids.push(r.ticketId!);
    }
    const a = engine(services[0]);
    const b = engine(services[1]);
    await Promise.all([a.start(), b.start()]);
    h.clock.set('2026-01-06T14:00:00.000Z');
    await Promise.all([a.runDue(), b.runDue(), a.runDue(), b.runDue()]);
    await Promise.all([a.idle(), b.idle()]);
    for (const id of ids) {
      const keys = clockEvents((await h.service.get(id))!.events).map(([t, c]) => `${t}:${c}`);
      expect(new Set(keys).size).toBe(keys.length);
      // Severity 2 in business hours, seen a day later: breached (no warning: the clock no
      // longer runs), and escalated to the four roles due within 24 h (2 h, 4 h, 8 h, 24 h).
      expect(keys.sort()).toEqual([
        'clock-breached:onsite-response',
        'escalated:customer-engineer',
        'escalated:enterprise-services-engineering',
        'escalated:technical-service-management',
        'escalated:vp',
      ]);
    }
  });
});
