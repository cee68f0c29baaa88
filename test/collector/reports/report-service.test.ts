import { afterEach, describe, expect, it } from 'vitest';
import { ReportService } from '../../../collector/reports/report-service.js';
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
 * The reports read from a real store, written by the ticket service, on SQLite and (with
 * DATABASE_URL) PostgreSQL. February 2026 at nj1, under the example contract (95 %, Enterprise II
 * from 1 January 2026): two severity 3 calls, one answered in time and one late, and a test call.
 */
describe.each(storeTargets)('reports from the $name store', (target) => {
  let h: TicketHarness;
  afterEach(async () => h?.close());

  async function february() {
    // Monday 2 February 2026, 09:00 EST.
    h = await ticketHarness(target, { start: '2026-02-02T14:00:00Z' });
    const reports = new ReportService({ db: h.store.db, contract, clock: h.clock });
    const a = await h.service.openByCustomer(customer, {
      siteId: 'nj1',
      severity: 3,
      summary: 'Blade b04 reboots under load',
      contact: 'Dana Whitfield, +1 212 555 0140',
    });
    h.clock.set('2026-02-02T15:00:00Z');
    await h.service.respond(a.id, engineer, { note: 'Looking at the logs' });
    h.clock.set('2026-02-02T20:00:00Z');
    await h.service.markFixed(a.id, engineer, { resolution: 'BIOS updated to 2.14' });

    // Tuesday 3 February 09:00 EST; due 13:00 EST, answered at 14:00 EST.
    h.clock.set('2026-02-03T14:00:00Z');
    const b = await h.service.openByCustomer(customer, {
      siteId: 'nj1',
      severity: 3,
      summary: 'Frame f2 management network flaps',
    });
    h.clock.set('2026-02-03T16:00:00Z');
    await h.service.close(a.id, customer, {
      consent: { by: 'Dana Whitfield', at: '2026-02-03T16:00:00Z', text: 'Fixed, thank you.' },
    });
    h.clock.set('2026-02-03T19:00:00Z');
    await h.service.respond(b.id, engineer);

    h.clock.set('2026-02-04T15:00:00Z');
    await h.service.recordObservation(
      observation(h.clock, {
        signal: 'test.call',
        summary: 'Test call',
        component: { kind: 'blade', id: 'b01', location: null },
      }),
    );
    return { reports, a: a.id, b: b.id };
  }

  it('computes the SLR per site and the credit from the event logs', async () => {
    const { reports } = await february();
    h.clock.set('2026-03-02T12:00:00Z');
    const slr = await reports.slr('2026-02');
    expect(slr.map((s) => [s.siteId, s.calls, s.met, s.percent, s.belowThreshold])).toEqual([
      ['nj1', 2, 1, 50, true],
      ['ny2', 0, 0, null, false],
    ]);
    expect(slr[0]!.credit).toEqual({
      month: '2026-02',
      months: 1,
      sites: [{ siteId: 'nj1', siteName: 'Weehawken primary data center', percent: 50 }],
      endsOn: '2028-01-31',
    });
    expect(await reports.slr('2026-02', 'ny2')).toHaveLength(1);
    const term = await reports.term();
    expect([term.originalEndsOn, term.endsOn, term.extensionMonths]).toEqual([
      '2027-12-31',
      '2028-01-31',
      1,
    ]);
  });

  it('builds the monthly report, identically each time', async () => {
    const { reports, a, b } = await february();
    h.clock.set('2026-03-02T12:00:00Z');
    const report = await reports.monthly('2026-02');
    expect(report.final).toBe(true);
    expect(report.excluded).toEqual({ test: 1, stormChildren: 0 });
    expect(report.calls.map((c) => [c.ticketId, c.slr, c.contact])).toEqual([
      [a, 'met', 'Dana Whitfield, +1 212 555 0140'],
      [b, 'missed', 'cust-dana'],
    ]);
    const first = report.calls[0]!;
    expect(first).toMatchObject({
      openedAt: '2026-02-02T14:00:00.000Z',
      fixedAt: '2026-02-02T20:00:00.000Z',
      closedAt: '2026-02-03T16:00:00.000Z',
      description: 'Blade b04 reboots under load. Reported by the customer on nj1.',
    });
    expect(first.resolution).toBe(
      'BIOS updated to 2.14. Closed with the written consent of Dana Whitfield: "Fixed, thank you."',
    );
    expect(report.missed).toEqual([
      expect.objectContaining({
        ticketId: b,
        slrMissed: true,
        clocks: [
          expect.objectContaining({
            kind: 'response',
            dueAt: '2026-02-03T18:00:00.000Z',
            metAt: '2026-02-03T19:00:00.000Z',
            overdueMs: 3_600_000,
            decidesSlr: true,
          }),
        ],
      }),
    ]);
    expect(report.slr[0]!.credit?.endsOn).toBe('2028-01-31');
    expect(await reports.monthly('2026-02')).toEqual(report);
    const site = await reports.monthly('2026-02', 'ny2');
    expect([site.calls.length, site.slr.length, site.siteId]).toEqual([0, 1, 'ny2']);
  });

  it('builds the daily report: outstanding calls with clocks, calls closed that day', async () => {
    const { reports, a, b } = await february();
    h.clock.set('2026-02-04T12:00:00Z');
    const day = await reports.daily('2026-02-03');
    expect(day.required).toBe(true);
    expect(day.asOf).toBe('2026-02-04T05:00:00.000Z');
    expect(day.closed.map((c) => c.ticketId)).toEqual([a]);
    expect(day.outstanding.map((c) => [c.ticketId, c.state])).toEqual([[b, 'responded']]);
    expect(day.outstanding[0]!.clocks[0]).toMatchObject({ kind: 'response', state: 'breached' });
    // The day before the first call: nothing outstanding, no report called for.
    const before = await reports.daily('2026-02-01');
    expect([before.required, before.outstanding.length, before.closed.length]).toEqual([
      false,
      0,
      0,
    ]);
    // 4 February: b is still open (the test call is not a service call).
    const next = await reports.daily('2026-02-04');
    expect(next.outstanding.map((c) => c.ticketId)).toEqual([b]);
    expect(next.closed).toEqual([]);
  });

  it('refuses unknown sites and days not begun', async () => {
    const { reports } = await february();
    await expect(reports.monthly('2026-02', 'zz9')).rejects.toMatchObject({
      code: 'BF_BAD_REQUEST',
    });
    await expect(reports.daily('2026-02-05')).rejects.toMatchObject({ code: 'BF_BAD_REQUEST' });
  });
});
