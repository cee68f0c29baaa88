import { describe, expect, it } from 'vitest';
import { march5Report, marchReport } from './fixture-reports.js';

const HOUR = 3_600_000;

describe('the monthly report of March 2026', () => {
  it('lists every service call of the month, test calls left out', async () => {
    const report = await marchReport();
    expect(report.calls.map((c) => `${c.ticketId}:${c.siteId}:${c.slr}`)).toEqual([
      '1:nj1:met',
      '2:nj1:met',
      '3:nj1:missed',
      '4:nj1:met',
      '6:ny2:met',
      '7:ny2:met',
      '8:ny2:missed',
      '9:ny2:missed',
    ]);
    expect(report.excluded).toEqual({ test: 1, stormChildren: 0 });
    expect(report.final).toBe(true);
    const one = report.calls[0]!;
    expect(one).toMatchObject({
      contact: 'Priya Raman',
      openedAt: '2026-03-02T15:00:00.000Z',
      fixedAt: '2026-03-02T20:00:00.000Z',
      closedAt: '2026-03-03T15:00:00.000Z',
      resolution:
        'Reseated the DIMM; errors stopped. Closed with the written consent of Priya Raman: "Confirmed fixed, close it."',
    });
    expect(one.description).toBe(
      'Uncorrectable ECC error on CPU0_DIMM_A1. Signal memory.ecc.uncorrectable on nj1/f1/b01 dimm mc0/csrow0 (CPU0_DIMM_A1). An uncorrectable memory error stops the blade.',
    );
    // The site's first contact stands in when the call names none.
    expect(report.calls[4]!.contact).toBe('Tomás Ferreira (+1 212 555 0163)');
    expect(report.calls[1]!.description).toContain('Diagnosed hardware: CPU0 failed.');
    expect(report.calls[1]!.resolution).toBe(
      'Replacement blade dispatched (serial SN-0042, from nj1-cage). Blade replaced.',
    );
  });

  it('then every call that missed, with each late clock and by how much', async () => {
    const report = await marchReport();
    expect(
      report.missed.map((m) => [
        m.ticketId,
        m.slrMissed,
        m.clocks.map((c) => `${c.kind}:${c.overdueMs / HOUR}h:${c.decidesSlr}`),
      ]),
    ).toEqual([
      ['3', true, ['onsite-response:1h:true', 'replacement:1h:false']],
      ['8', true, ['response:1h:true']],
      ['9', true, ['software-response:0.5h:true', 'software-updates:14h:false']],
    ]);
  });

  it('counts the missed periods of the update cadence', async () => {
    const report = await marchReport();
    const updates = report.missed[2]!.clocks[1]!;
    expect(updates).toMatchObject({
      kind: 'software-updates',
      dueAt: '2026-03-17T18:00:00.000Z',
      count: 2,
      calendar: 'continuous',
    });
  });

  it('then the SLR per site with the credit and the moved end date', async () => {
    const report = await marchReport();
    expect(
      report.slr.map((s) => [s.siteId, s.percent, s.belowThreshold, s.credit?.endsOn]),
    ).toEqual([
      ['nj1', 75, false, undefined],
      ['ny2', 50, true, '2027-01-31'],
    ]);
    expect(report.term).toMatchObject({ originalEndsOn: '2026-12-31', endsOn: '2027-01-31' });
  });

  it('narrows to one site', async () => {
    const report = await marchReport('ny2');
    expect(report.calls.map((c) => c.ticketId)).toEqual(['6', '7', '8', '9']);
    expect(report.slr.map((s) => s.siteId)).toEqual(['ny2']);
    expect(report.excluded.test).toBe(0);
  });
});

describe('the daily report of 5 March 2026', () => {
  const report = march5Report();

  it('is called for: calls are outstanding and one was closed', () => {
    expect(report.required).toBe(true);
    expect(report.reasons).toEqual([
      '3 call(s) not closed',
      '1 call(s) closed this day',
      '1 site(s) short of a spare set',
    ]);
    expect(report.asOf).toBe('2026-03-06T05:00:00.000Z');
  });

  it('lists the calls not closed at the end of the day with their clocks', () => {
    // 2 (fixed, awaiting consent), 4 (QA, opened 19:00), 1 and 3 were closed; 5 is a test call.
    expect(report.outstanding.map((c) => [c.ticketId, c.state])).toEqual([
      ['2', 'fixed'],
      ['4', 'open'],
      ['10', 'responded'],
    ]);
    const qa = report.outstanding[1]!;
    expect(qa.nextDue).toMatchObject({ kind: 'response', dueAt: '2026-03-06T16:00:00.000Z' });
    expect(qa.breached).toBe(false);
  });

  it('lists the calls closed that day, and the site short of spares', () => {
    expect(report.closed.map((c) => [c.ticketId, c.closedAt])).toEqual([
      ['3', '2026-03-05T15:00:00.000Z'],
    ]);
    expect(report.closed[0]!.breaches.map((c) => c.kind)).toEqual([
      'onsite-response',
      'replacement',
    ]);
    expect(report.spares).toEqual([
      {
        siteId: 'nj1',
        siteName: 'Weehawken primary',
        belowSince: '2026-03-04T09:00:00.000Z',
        missing: [{ spareSetId: 'nj1-cage', part: 'blade', description: null, missing: 2 }],
        reason: 'no full spare set: 2 × blade (nj1-cage)',
      },
    ]);
  });
});
