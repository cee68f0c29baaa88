import { describe, expect, it } from 'vitest';
import type { ClockKind, ClockStatus } from '../../../collector/domain/ticket-events.js';
import { computeClocks, computeEscalations } from '../../../collector/sla/clocks.js';
import { TicketLog, context, testContract } from './fixtures.js';

const DETECTED = '2026-03-04T15:00:00Z'; // Wed 10:00 EST
const find = (clocks: ClockStatus[], kind: ClockKind) => clocks.find((c) => c.kind === kind);

describe('a customer raises the severity', () => {
  it('starts the on-site clock at the raise, by the raise’s business hours', () => {
    // Severity 4 at Wed 10:00 EST, raised to 2 at Wed 23:00 EST: outside hours, 8h → Thu 07:00.
    const log = new TicketLog({ severity: 4, detectedAt: DETECTED }).raised(
      '2026-03-05T04:00:00Z',
      4,
      2,
    );
    const clocks = computeClocks(log.events, context('2026-03-05T04:00:00Z'));
    expect(find(clocks, 'onsite-response')).toMatchObject({
      startedAt: '2026-03-05T04:00:00.000Z',
      dueAt: '2026-03-05T12:00:00.000Z',
      calendar: 'continuous',
      state: 'running',
    });
    // The severity 4 response promise keeps running until met.
    expect(find(clocks, 'response')).toMatchObject({
      dueAt: '2026-03-05T15:00:00.000Z',
      state: 'running',
    });
    // Before the raise, the log read at that time has no on-site clock.
    expect(
      find(computeClocks(log.events, context('2026-03-05T03:00:00Z')), 'onsite-response'),
    ).toBeUndefined();
  });

  it('uses the business-hours target for a raise during business hours', () => {
    const log = new TicketLog({ severity: 3, detectedAt: DETECTED }).raised(
      '2026-03-04T16:00:00Z',
      3,
      1,
    );
    const onsite = find(
      computeClocks(log.events, context('2026-03-04T16:00:00Z')),
      'onsite-response',
    );
    expect(onsite?.dueAt).toBe('2026-03-04T18:00:00.000Z');
  });

  it('brings a running clock forward but never postpones it', () => {
    // Severity 4 (12 business hours: Thu 10:00) raised to 3 at Wed 11:00 (4h: Wed 15:00).
    const log = new TicketLog({ severity: 4, detectedAt: DETECTED }).raised(
      '2026-03-04T16:00:00Z',
      4,
      3,
    );
    expect(
      find(computeClocks(log.events, context('2026-03-04T16:00:00Z')), 'response'),
    ).toMatchObject({
      startedAt: '2026-03-04T15:00:00.000Z',
      dueAt: '2026-03-04T20:00:00.000Z',
    });
    // Severity 3 raised to 3 again late in the day would give a later due time: kept.
    const late = new TicketLog({ severity: 3, detectedAt: DETECTED }).raised(
      '2026-03-04T23:00:00Z',
      3,
      3,
    );
    expect(
      find(computeClocks(late.events, context('2026-03-04T23:00:00Z')), 'response')?.dueAt,
    ).toBe('2026-03-04T19:00:00.000Z');
  });

  it('leaves met clocks met and starts diagnosis at the raise when already on site', () => {
    const log = new TicketLog({ severity: 3, detectedAt: DETECTED })
      .responded('2026-03-04T15:30:00Z')
      .arrived('2026-03-04T17:00:00Z')
      .raised('2026-03-04T18:00:00Z', 3, 1);
    const clocks = computeClocks(log.events, context('2026-03-04T18:00:00Z'));
    expect(find(clocks, 'response')).toMatchObject({
      state: 'met',
      metAt: '2026-03-04T15:30:00.000Z',
    });
    expect(find(clocks, 'onsite-response')).toBeUndefined(); // already on site
    expect(find(clocks, 'diagnosis')).toMatchObject({
      startedAt: '2026-03-04T18:00:00.000Z',
      dueAt: '2026-03-04T20:00:00.000Z',
    });
  });

  it('counts from detection when raisedTargetsFrom is detection', () => {
    const contract = testContract((c) => {
      c.clocks = { raisedTargetsFrom: 'detection' };
    });
    const log = new TicketLog({ severity: 3, detectedAt: DETECTED }).raised(
      '2026-03-04T18:00:00Z',
      3,
      1,
    );
    const onsite = find(
      computeClocks(log.events, context('2026-03-04T18:00:00Z', contract)),
      'onsite-response',
    );
    expect(onsite).toMatchObject({
      startedAt: '2026-03-04T15:00:00.000Z',
      dueAt: '2026-03-04T17:00:00.000Z',
      state: 'breached',
    });
  });

  it('keeps a raised QA system at severity 3 response time', () => {
    const log = new TicketLog({ severity: 4, detectedAt: DETECTED, environment: 'qa' }).raised(
      '2026-03-04T16:00:00Z',
      4,
      1,
    );
    const clocks = computeClocks(log.events, context('2026-03-04T16:00:00Z'));
    expect(clocks.map((c) => c.kind)).toEqual(['response']);
    expect(clocks[0]!.dueAt).toBe('2026-03-04T20:00:00.000Z'); // 4 business hours from the raise
  });

  it('applies the new escalation row from the raise, never later than before', () => {
    // Severity 4: customer engineer after 24 business hours (Fri 10:00 EST). Raised to 1 at
    // Wed 12:00 EST: the severity 1 row from the raise (customer engineer after 1h: 13:00).
    const log = new TicketLog({ severity: 4, detectedAt: DETECTED }).raised(
      '2026-03-04T17:00:00Z',
      4,
      1,
    );
    const escalations = computeEscalations(log.events, context('2026-03-04T17:00:00Z'));
    expect(escalations.map((e) => [e.role, e.severity, e.dueAt])).toEqual([
      ['ceo-coo', 1, '2026-03-05T17:00:00.000Z'],
      ['vp', 1, '2026-03-05T01:00:00.000Z'],
      ['enterprise-services-engineering', 1, '2026-03-04T21:00:00.000Z'],
      ['technical-service-management', 1, '2026-03-04T19:00:00.000Z'],
      ['customer-engineer', 1, '2026-03-04T18:00:00.000Z'],
    ]);
  });
});
