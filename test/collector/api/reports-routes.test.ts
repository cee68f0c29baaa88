import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../collector/api/app.js';
import { AuthService } from '../../../collector/auth/auth-service.js';
import { ROLES, type Role } from '../../../collector/domain/ticket-events.js';
import { ReleaseNotices } from '../../../collector/releases/release-notices.js';
import { ReportScheduler } from '../../../collector/reports/report-scheduler.js';
import { ReportService } from '../../../collector/reports/report-service.js';
import { SparesService } from '../../../collector/spares/spares-service.js';
import { storeTargets } from '../../support/stores.js';
import {
  contract,
  customer,
  engineer,
  observation,
  ticketHarness,
  type TicketHarness,
} from '../../support/tickets.js';

/**
 * The reporting routes of API.md over a real store: `/api/slr`, `/api/reports/*`, `/api/spares`
 * and `/api/releases`, with the access guard (read for everything, engineer to restock).
 */
describe.each(storeTargets)('reporting API on $name', (target) => {
  let h: TicketHarness;
  let app: FastifyInstance;
  let spares: SparesService;
  const tokens = {} as Record<Role, string>;
  afterEach(async () => {
    await spares?.stop();
    await app?.close();
    await h?.close();
  });

  async function setUp() {
    // Monday 2 February 2026, 09:00 EST.
    h = await ticketHarness(target, { start: '2026-02-02T14:00:00Z' });
    const db = h.store.db;
    const auth = new AuthService(db, h.clock);
    for (const role of ROLES) {
      const user = await auth.createUser({ name: role, role });
      tokens[role] = (await auth.issueToken(user.id)).token;
    }
    spares = new SparesService({ db, contract, clock: h.clock, tickets: h.service });
    await spares.start();
    const reports = new ReportService({ db, contract, clock: h.clock, spares });
    app = await buildApp({
      db,
      clock: h.clock,
      auth,
      tickets: h.service,
      health: { store: { dialect: h.store.dialect, location: h.store.location } },
      web: false,
      reporting: {
        reports,
        scheduler: new ReportScheduler({ db, reports, clock: h.clock }),
        spares,
        releases: new ReleaseNotices({ db, contract, clock: h.clock }),
      },
    });
    await app.ready();

    // One call in time, one late (due 13:00 EST, answered 14:00), and a severity 2 hardware
    // fault answered remotely but never attended on site (its on-site clock missed) whose blade
    // was replaced from nj1-cage.
    const a = await h.service.openByCustomer(customer, {
      siteId: 'nj1',
      severity: 3,
      summary: 'Blade b04 reboots under load',
    });
    h.clock.set('2026-02-02T15:00:00Z');
    await h.service.respond(a.id, engineer);
    h.clock.set('2026-02-03T14:00:00Z');
    const b = await h.service.openByCustomer(customer, {
      siteId: 'nj1',
      severity: 3,
      summary: 'Frame f2 management network flaps',
    });
    h.clock.set('2026-02-03T19:00:00Z');
    await h.service.respond(b.id, engineer);
    const { ticketId } = await h.service.recordObservation(observation(h.clock));
    await h.service.respond(ticketId!, engineer);
    await h.service.diagnose(ticketId!, engineer, { domain: 'hardware' });
    await h.service.dispatchReplacement(ticketId!, engineer, { spareSetId: 'nj1-cage' });
    await spares.settled();
    h.clock.set('2026-03-02T12:00:00Z');
  }

  const as = (role: Role | null, options: InjectOptions) =>
    app.inject({
      ...options,
      headers: { ...options.headers, ...(role ? { authorization: `Bearer ${tokens[role]}` } : {}) },
    });

  it('answers /api/slr with the figures per site and the credit', async () => {
    await setUp();
    const res = await as('operations', { method: 'GET', url: '/api/slr?month=2026-02' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([
      expect.objectContaining({
        siteId: 'nj1',
        siteName: 'Weehawken primary data center',
        month: '2026-02',
        calls: 3,
        met: 1,
        percent: 33.33,
        thresholdPercent: 95,
        belowThreshold: true,
        credit: expect.objectContaining({ month: '2026-02', endsOn: '2028-01-31' }),
      }),
      expect.objectContaining({ siteId: 'ny2', calls: 0, percent: null, credit: null }),
    ]);
    const one = await as('customer', { method: 'GET', url: '/api/slr?month=2026-02&site=ny2' });
    expect(one.json()).toHaveLength(1);
    // The current month by default.
    const current = await as('operations', { method: 'GET', url: '/api/slr' });
    expect((current.json() as { month: string }[])[0]!.month).toBe('2026-03');
    const term = await as('operations', { method: 'GET', url: '/api/reports/term' });
    expect(term.json()).toMatchObject({ originalEndsOn: '2027-12-31', endsOn: '2028-01-31' });
  });

  it('serves the reports in each format', async () => {
    await setUp();
    const json = await as('operations', {
      method: 'GET',
      url: '/api/reports/monthly?month=2026-02',
    });
    expect(json.statusCode).toBe(200);
    expect(json.json()).toMatchObject({ kind: 'monthly', month: '2026-02', final: true });
    const csv = await as('operations', {
      method: 'GET',
      url: '/api/reports/monthly?month=2026-02&site=nj1&format=csv',
    });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
    expect(csv.headers['content-disposition']).toBe('inline; filename="monthly-2026-02-nj1.csv"');
    expect(csv.body).toMatch(/^section,calls\r\n/);
    const html = await as('customer', {
      method: 'GET',
      url: '/api/reports/daily?date=2026-02-03&format=html',
    });
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.body).toContain('<h1>Daily service report, 2026-02-03</h1>');
    expect(html.body).toContain('no full spare set: 1 × blade (nj1-cage)');
    const md = await as('operations', {
      method: 'GET',
      url: '/api/reports/requirements?week=2026-W05&format=md',
    });
    expect(md.body).toMatch(/^# Product requirements review, 2026-W05/);
    const deliveries = await as('operations', { method: 'GET', url: '/api/reports/deliveries' });
    expect(deliveries.json()).toEqual({ deliveries: [] });
  });

  it('refuses bad parameters and callers without a token', async () => {
    await setUp();
    const bad = await as('operations', {
      method: 'GET',
      url: '/api/reports/monthly?month=2026-13',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'BF_BAD_REQUEST' });
    const format = await as('operations', {
      method: 'GET',
      url: '/api/reports/daily?date=2026-02-03&format=pdf',
    });
    expect(format.statusCode).toBe(400);
    expect((await as('operations', { method: 'GET', url: '/api/slr?site=zz9' })).statusCode).toBe(
      400,
    );
    expect((await as(null, { method: 'GET', url: '/api/slr' })).statusCode).toBe(401);
    expect((await as(null, { method: 'GET', url: '/api/reports/daily' })).statusCode).toBe(401);
  });

  it('shows the spares and records a restock by an engineer only', async () => {
    await setUp();
    const before = await as('operations', { method: 'GET', url: '/api/spares' });
    const nj1 = (
      before.json() as { sites: { siteId: string; belowOneSet: boolean; alert: unknown }[] }
    ).sites[0]!;
    expect(nj1).toMatchObject({
      siteId: 'nj1',
      belowOneSet: true,
      alert: expect.objectContaining({ open: true }),
    });
    const body = { spareSetId: 'nj1-cage', part: 'blade', quantity: 1, note: 'from the depot' };
    expect(
      (await as('operations', { method: 'POST', url: '/api/spares/nj1/restock', payload: body }))
        .statusCode,
    ).toBe(403);
    expect(
      (await as('customer', { method: 'POST', url: '/api/spares/nj1/restock', payload: body }))
        .statusCode,
    ).toBe(403);
    const bad = await as('engineer', {
      method: 'POST',
      url: '/api/spares/nj1/restock',
      payload: { spareSetId: 'nj1-cage', quantity: 0 },
    });
    expect(bad.statusCode).toBe(400);
    const ok = await as('engineer', {
      method: 'POST',
      url: '/api/spares/nj1/restock',
      payload: body,
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({
      recorded: [
        { siteId: 'nj1', spareSetId: 'nj1-cage', part: 'blade', quantity: 1, by: 'engineer' },
      ],
      site: { belowOneSet: false },
    });
    await spares.settled();
    const after = await as('operations', { method: 'GET', url: '/api/spares' });
    expect((after.json() as { alerts: { open: boolean }[] }).alerts).toEqual([
      expect.objectContaining({ siteId: 'nj1', open: false }),
    ]);
    expect(
      (await as('engineer', { method: 'POST', url: '/api/spares/zz9/restock', payload: body }))
        .statusCode,
    ).toBe(404);
  });

  it('lists the Major Releases', async () => {
    await setUp();
    const res = await as('operations', { method: 'GET', url: '/api/releases' });
    expect(res.statusCode).toBe(200);
    expect((res.json() as { releases: unknown[] }).releases).toEqual([
      expect.objectContaining({
        version: '5.0',
        endOfSupportOn: '2026-09-16',
        phase: 'supported',
        notice: null,
      }),
      expect.objectContaining({ version: '5.1', endOfSupportOn: '2027-06-02' }),
      expect.objectContaining({ version: '6.0', endOfSupportOn: '2028-04-20' }),
    ]);
  });
});
