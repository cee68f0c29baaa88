import { Writable } from 'node:stream';
import type { Kysely, KyselyPlugin } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnyTicketEvent } from '../../../collector/domain/ticket-events.js';
import type { Database } from '../../../collector/store/schema.js';
import { ClockEngine } from '../../../collector/tickets/clock-engine.js';
import { TicketService } from '../../../collector/tickets/ticket-service.js';
import { createLogger } from '../../../shared/logger.js';
import { storeTargets, type StoreTarget } from '../../support/stores.js';
import { contract, observation, ticketHarness, type TicketHarness } from '../../support/tickets.js';

/** The store seen through counters: transactions opened and reads of event logs. */
function counted(db: Kysely<Database>) {
  const counts = { transactions: 0, logReads: 0 };
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      const node = args.node;
      if (node.kind === 'SelectQueryNode' && JSON.stringify(node.from).includes('ticket_events')) {
        counts.logReads++;
      }
      return node;
    },
    transformResult: (args) => Promise.resolve(args.result),
  };
  const withCounter = db.withPlugin(plugin);
  const proxy = new Proxy(withCounter, {
    get(target, prop) {
      if (prop === 'transaction') counts.transactions++;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
  return { db: proxy, counts };
}

const CLOCK_TYPES = new Set(['clock-warning', 'clock-breached', 'escalated']);

describe.each(storeTargets)('clock engine groups on $name', (target: StoreTarget) => {
  const opened: TicketHarness[] = [];
  const engines: ClockEngine[] = [];
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.stop();
    for (const h of opened.splice(0)) await h.close();
  });

  /** 120 faults on separate frames, plus a storm of four on one frame; all seen a day later. */
  async function dayOld() {
    const h = await ticketHarness(target, { start: '2026-01-05T14:00:00Z' });
    opened.push(h);
    const faults: number[] = [];
    for (let i = 0; i < 120; i++) {
      const r = await h.service.recordObservation(
        observation(h.clock, { bladeId: `b${i}`, frameId: `f${i}` }),
      );
      faults.push(Number(r.ticketId));
    }
    for (const blade of ['b01', 'b02', 'b03', 'b04']) {
      await h.service.recordObservation(
        observation(h.clock, {
          bladeId: blade,
          frameId: 'storm',
          signal: 'fan.failed',
          component: { kind: 'fan', id: 'fan1', location: null },
        }),
      );
    }
    h.clock.set('2026-01-06T14:00:00.000Z');
    return { h, faults };
  }

  /** Each ticket's clock events (with their keys) and its next due time, by ticket id. */
  async function outcome(h: TicketHarness) {
    const events = await h.store.db
      .selectFrom('ticket_events')
      .select(['ticket_id', 'seq', 'type', 'at', 'data', 'dedupe_key'])
      .where('type', 'in', [...CLOCK_TYPES] as never[])
      .orderBy('ticket_id')
      .orderBy('seq')
      .execute();
    const tickets = await h.store.db
      .selectFrom('tickets')
      .select(['id', 'parent_id', 'clock_due_at', 'breached', 'last_seq'])
      .orderBy('id')
      .execute();
    return {
      events: events.map((e) => ({ ...e, ticket_id: Number(e.ticket_id), seq: Number(e.seq) })),
      tickets: tickets.map((t) => ({ ...t, id: Number(t.id), last_seq: Number(t.last_seq) })),
    };
  }

  async function run(groupSize: number) {
    const { h, faults } = await dayOld();
    const { db, counts } = counted(h.store.db);
    const service = new TicketService({ db, clock: h.clock, contract });
    const published: AnyTicketEvent[] = [];
    service.onEvent((event) => published.push(event));
    const engine = new ClockEngine({ tickets: service, groupSize });
    engines.push(engine);
    const appended = await engine.runDue();
    return {
      faults,
      appended,
      counts,
      published,
      ...(await outcome(h)),
      again: await engine.runDue(),
    };
  }

  it('records a storm of due tickets group by group, as one at a time would, in fewer transactions', async () => {
    const one = await run(1);
    const grouped = await run(50);

    // 120 tickets of severity 2, a day old: each breached and escalated to four roles, once.
    const perTicket = new Map<number, string[]>();
    for (const e of grouped.events) {
      const key = e.dedupe_key!.slice(e.dedupe_key!.indexOf('|') + 1);
      perTicket.set(e.ticket_id, [...(perTicket.get(e.ticket_id) ?? []), key]);
    }
    for (const id of grouped.faults) {
      expect(perTicket.get(id)?.sort()).toEqual([
        'clock-breached|onsite-response#1',
        'escalated|customer-engineer',
        'escalated|enterprise-services-engineering',
        'escalated|technical-service-management',
        'escalated|vp',
      ]);
    }
    // Storm children carry no clocks of their own.
    const children = grouped.tickets.filter((t) => t.parent_id !== null);
    expect(children).toHaveLength(4);
    for (const child of children) {
      expect(child.clock_due_at).toBeNull();
      expect(perTicket.has(child.id)).toBe(false);
    }

    // The same events, keys, times, projections and next due times as one ticket at a time.
    expect(grouped.events).toEqual(one.events);
    expect(grouped.tickets).toEqual(one.tickets);
    expect(grouped.appended).toBe(one.appended);
    expect(grouped.again).toBe(0);
    // Published once each, after commit, in the same order.
    expect(grouped.published.map((e) => `${e.ticketId}#${e.seq}`)).toEqual(
      one.published.map((e) => `${e.ticketId}#${e.seq}`),
    );
    expect(grouped.published).toHaveLength(grouped.appended);

    // Every ticket is due (opened, never looked at): 120, the storm's parent and its 4 children.
    // One transaction and one read of the logs per ticket, or per group of 50.
    const due = one.counts.transactions;
    expect(due).toBe(grouped.tickets.length);
    expect(one.counts.logReads).toBe(due);
    expect(grouped.counts.transactions).toBe(Math.ceil(due / 50));
    expect(grouped.counts.logReads).toBe(Math.ceil(due / 50));
  });

  it('redoes a failing group one ticket at a time: the others get their events, the bad one a retry', async () => {
    const h = await ticketHarness(target, { start: '2026-01-05T14:00:00Z' });
    opened.push(h);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await h.service.recordObservation(
        observation(h.clock, { bladeId: `b${i}`, frameId: `f${i}` }),
      );
      ids.push(r.ticketId!);
    }
    // The middle ticket's log is unreadable: its evaluation throws.
    const bad = ids[2]!;
    await h.store.db
      .updateTable('ticket_events')
      .set({ data: '{}' })
      .where('ticket_id', '=', Number(bad))
      .execute();
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    });
    const published: AnyTicketEvent[] = [];
    h.service.onEvent((event) => published.push(event));
    const engine = new ClockEngine({ tickets: h.service, logger, pollIntervalMs: 60_000 });
    engines.push(engine);
    h.clock.set('2026-01-06T14:00:00.000Z');

    expect(await engine.runDue()).toBe(4 * 5);
    const { events, tickets } = await outcome(h);
    for (const id of ids) {
      const mine = events.filter((e) => e.ticket_id === Number(id));
      expect(mine).toHaveLength(id === bad ? 0 : 5);
    }
    expect(published.map((e) => e.ticketId).sort()).toEqual(
      ids.filter((id) => id !== bad).flatMap((id) => Array<string>(5).fill(id)),
    );
    // Retried a second later (the poll interval, at most one second); the others wait for
    // their next deadline.
    const dueOf = (id: string) => tickets.find((t) => t.id === Number(id))!.clock_due_at;
    expect(dueOf(bad)).toBe('2026-01-06T14:00:01.000Z');
    for (const id of ids.filter((x) => x !== bad)) {
      expect(dueOf(id)! > '2026-01-06T14:00:01.000Z').toBe(true);
    }
    const logged = lines.map((line) => JSON.parse(line) as { msg: string; ticketId?: string });
    expect(logged.filter((l) => l.msg === 'clock evaluation failed')).toMatchObject([
      { ticketId: bad },
    ]);
    expect(logged.filter((l) => l.msg === 'clock event recorded')).toHaveLength(4 * 5);

    // The retry fails the same way, alone, and the others stay done.
    h.clock.set('2026-01-06T14:00:01.000Z');
    expect(await engine.runDue()).toBe(0);
    expect((await outcome(h)).events).toEqual(events);
  });
});
