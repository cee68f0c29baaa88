import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installErrorHandling } from '../../../collector/api/errors.js';
import ticketRoutes from '../../../collector/api/routes/tickets.js';
import { ClockEngine } from '../../../collector/tickets/clock-engine.js';
import { storeTargets } from '../../support/stores.js';
import { engineer, observation, ticketHarness, type TicketHarness } from '../../support/tickets.js';

interface Listed {
  tickets: {
    id: string;
    state: string;
    severity: number;
    siteId: string;
    bladeId: string | null;
    breached: boolean;
  }[];
  next: string | null;
}

describe.each(storeTargets)('ticket API on $name', (target) => {
  let h: TicketHarness;
  let app: FastifyInstance;
  const ids: Record<string, string> = {};

  beforeEach(async () => {
    h = await ticketHarness(target);
    app = Fastify();
    installErrorHandling(app);
    await app.register(ticketRoutes, { tickets: h.service });
    await app.ready();

    const open = async (name: string, overrides: Parameters<typeof observation>[1]) => {
      ids[name] = (await h.service.recordObservation(observation(h.clock, overrides))).ticketId!;
      h.clock.advance(1000);
    };
    await open('dimm', {});
    await open('fs', {
      signal: 'filesystem.full',
      component: { kind: 'filesystem', id: '/var', location: null },
      evidence: { usedPercent: 91 },
      bladeId: 'b02',
    });
    await open('oom', {
      signal: 'kernel.oom_kill',
      component: { kind: 'kernel', id: 'oom', location: null },
      siteId: 'ny2',
      frameId: 'f9',
      bladeId: 'b03',
    });
    await open('test', {
      signal: 'test.call',
      component: { kind: 'agent', id: 'agent', location: null },
      bladeId: 'b04',
    });
    await h.service.respond(ids.oom!, engineer);
  });
  afterEach(async () => {
    await app.close();
    await h.close();
  });

  async function get<T>(url: string): Promise<{ status: number; body: T }> {
    const response = await app.inject({ method: 'GET', url });
    return { status: response.statusCode, body: response.json() as T };
  }

  it('lists tickets newest first', async () => {
    const { status, body } = await get<Listed>('/api/tickets');
    expect(status).toBe(200);
    expect(body.tickets.map((t) => t.id)).toEqual([ids.test, ids.oom, ids.fs, ids.dimm]);
    expect(body.next).toBeNull();
    expect(body.tickets[3]).toMatchObject({
      severity: 2,
      domain: 'hardware',
      signal: 'memory.ecc.uncorrectable',
      ruleId: 'memory-uncorrectable',
      siteId: 'nj1',
      frameId: 'f1',
      bladeId: 'b01',
      component: { kind: 'dimm', id: 'mc0/csrow1/ch0' },
      environment: 'production',
      test: false,
      breached: false,
      occurrences: 1,
      parentId: null,
    });
  });

  it('filters by state, severity, place, domain and test', async () => {
    const idsOf = async (query: string) =>
      (await get<Listed>(`/api/tickets?${query}`)).body.tickets.map((t) => t.id).sort();
    expect(await idsOf('state=responded')).toEqual([ids.oom]);
    expect(await idsOf('state=closed')).toEqual([ids.test]);
    expect(await idsOf('state=open&test=false')).toEqual([ids.dimm, ids.fs].sort());
    expect(await idsOf('severity=2,3')).toEqual([ids.dimm, ids.oom].sort());
    expect(await idsOf('severity=4&severity=2')).toEqual([ids.dimm, ids.fs, ids.test].sort());
    expect(await idsOf('site=ny2')).toEqual([ids.oom]);
    expect(await idsOf('site=nj1&frame=f1&blade=b02')).toEqual([ids.fs]);
    expect(await idsOf('domain=software')).toEqual([ids.fs, ids.oom].sort());
    expect(await idsOf('test=true')).toEqual([ids.test]);
    expect(await idsOf('blade=nobody')).toEqual([]);
  });

  it('pages with limit and before', async () => {
    const first = await get<Listed>('/api/tickets?limit=3');
    expect(first.body.tickets.map((t) => t.id)).toEqual([ids.test, ids.oom, ids.fs]);
    expect(first.body.next).toBe(ids.fs);
    const second = await get<Listed>(`/api/tickets?limit=3&before=${first.body.next}`);
    expect(second.body.tickets.map((t) => t.id)).toEqual([ids.dimm]);
    expect(second.body.next).toBeNull();
  });

  it('filters breached tickets once the clock engine recorded a breach', async () => {
    const engine = new ClockEngine({ tickets: h.service });
    await engine.start();
    h.clock.set('2026-01-05T20:00:00Z');
    await engine.idle();
    await engine.stop();
    const breached = (await get<Listed>('/api/tickets?breached=true')).body.tickets;
    // The severity 2 DIMM had 4 hours to get on site; the full file system, a software call,
    // one hour for an engineer's response. The OOM call was answered, the test call acknowledged.
    expect(breached.map((t) => t.id)).toEqual([ids.fs, ids.dimm]);
    expect(breached.every((t) => t.breached)).toBe(true);
    const rest = (await get<Listed>('/api/tickets?breached=false')).body.tickets;
    expect(rest.map((t) => t.id)).toEqual([ids.test, ids.oom]);
  });

  it('lists each ticket with its clocks at this moment when asked (the dashboard)', async () => {
    interface WithClocks {
      tickets: {
        id: string;
        clocks: { kind: string; dueAt: string; warnAt: string; metAt: string | null }[];
      }[];
    }
    const plain = await get<WithClocks>('/api/tickets');
    expect(plain.body.tickets[0]).not.toHaveProperty('clocks');
    const { status, body } = await get<WithClocks>('/api/tickets?clocks=true&state=open');
    expect(status).toBe(200);
    const byId = new Map(body.tickets.map((t) => [t.id, t]));
    const detail = (await get<{ clocks: unknown[] }>(`/api/tickets/${ids.dimm}`)).body;
    expect(byId.get(ids.dimm!)!.clocks).toEqual(detail.clocks);
    expect(byId.get(ids.dimm!)!.clocks.map((c) => c.kind)).toEqual(['onsite-response']);
    // The full file system is a software call: the one-hour software response runs too.
    expect(byId.get(ids.fs!)!.clocks.map((c) => c.kind)).toContain('software-response');
    expect((await get('/api/tickets?clocks=maybe')).status).toBe(400);
  });

  it('refuses bad filters with every problem listed', async () => {
    const { status, body } = await get<{ code: string; details: string[] }>(
      '/api/tickets?severity=7&state=lost&breached=maybe&limit=0&before=x',
    );
    expect(status).toBe(400);
    expect(body.code).toBe('BF_BAD_REQUEST');
    expect(body.details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^query\.state\.0: /),
        expect.stringMatching(/^query\.severity\.0: /),
        expect.stringMatching(/^query\.breached: /),
        expect.stringMatching(/^query\.limit: /),
        expect.stringMatching(/^query\.before: must be a ticket id/),
      ]),
    );
  });

  it('shows one ticket with its clocks, escalations, events and the rule that fired', async () => {
    const { status, body } = await get<{
      ticket: { id: string; state: string; severity: number };
      clocks: { kind: string; state: string; dueAt: string; startedAt: string }[];
      escalations: { role: string; state: string; dueAt: string }[];
      clocksCarriedBy: string | null;
      events: { seq: number; type: string; actor: { kind: string } }[];
      classification: {
        ruleId: string;
        explanation: string;
        because: string[];
        rule: { id: string; signal: string[]; severity: number } | null;
      };
    }>(`/api/tickets/${ids.dimm}`);
    expect(status).toBe(200);
    expect(body.ticket).toMatchObject({ id: ids.dimm, state: 'open', severity: 2 });
    // Severity 2 detected Monday 09:00 New York: on site within 4 h (business-hours target).
    expect(body.clocks).toEqual([
      expect.objectContaining({
        kind: 'onsite-response',
        state: 'running',
        startedAt: '2026-01-05T14:00:00.000Z',
        dueAt: '2026-01-05T18:00:00.000Z',
      }),
    ]);
    expect(body.escalations.map((e) => e.role)).toEqual(
      expect.arrayContaining(['customer-engineer', 'vp', 'ceo-coo']),
    );
    expect(body.clocksCarriedBy).toBeNull();
    expect(body.events).toEqual([expect.objectContaining({ seq: 1, type: 'opened' })]);
    expect(body.classification).toMatchObject({
      ruleId: 'memory-uncorrectable',
      because: ['signal is memory.ecc.uncorrectable'],
      rule: { id: 'memory-uncorrectable', signal: ['memory.ecc.uncorrectable'], severity: 2 },
    });
    expect(body.classification.explanation).toContain('CPU0_DIMM_A1');
  });

  it('answers 404 for an unknown ticket and 400 for what cannot be a ticket id', async () => {
    const unknown = await get<{ code: string }>('/api/tickets/999999');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('BF_NOT_FOUND');
    for (const url of ['/api/tickets/abc', '/api/tickets/0', '/api/tickets/-1']) {
      const { status, body } = await get<{ code: string; details: string[] }>(url);
      expect(status, url).toBe(400);
      expect(body).toMatchObject({
        code: 'BF_BAD_REQUEST',
        details: [expect.stringMatching(/^params\.id: must be a ticket id/)],
      });
    }
  });
});
