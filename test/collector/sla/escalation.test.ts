import { describe, expect, it } from 'vitest';
import {
  computeClocks,
  computeEscalations,
  nextClockDeadline,
  pendingClockEvents,
} from '../../../collector/sla/clocks.js';
import { HOUR, TicketLog, context } from './fixtures.js';

const DETECTED = '2026-03-04T15:00:00Z'; // Wed 10:00 EST
const table = (log: TicketLog, now: string) =>
  computeEscalations(log.events, context(now)).map((e) => [e.role, e.dueAt, e.state]);

describe('escalation matrix', () => {
  it('notifies each severity 1 role when its delay passes without a fix', () => {
    const log = new TicketLog({ severity: 1, detectedAt: DETECTED });
    expect(table(log, '2026-03-04T18:00:00Z')).toEqual([
      ['ceo-coo', '2026-03-05T15:00:00.000Z', 'pending'],
      ['vp', '2026-03-04T23:00:00.000Z', 'pending'],
      ['enterprise-services-engineering', '2026-03-04T19:00:00.000Z', 'pending'],
      ['technical-service-management', '2026-03-04T17:00:00.000Z', 'escalated'],
      ['customer-engineer', '2026-03-04T16:00:00.000Z', 'escalated'],
    ]);
    const cell = computeEscalations(log.events, context(DETECTED))[1]!;
    expect(cell).toMatchObject({
      role: 'vp',
      severity: 1,
      delayMs: 8 * HOUR,
      calendar: 'continuous',
    });
  });

  it('cancels what is not yet due once fixed', () => {
    const log = new TicketLog({ severity: 2, detectedAt: DETECTED }).fixed('2026-03-04T19:30:00Z');
    expect(table(log, '2026-03-09T00:00:00Z')).toEqual([
      ['ceo-coo', '2026-03-06T15:00:00.000Z', 'not-needed'],
      ['vp', '2026-03-05T15:00:00.000Z', 'not-needed'],
      ['enterprise-services-engineering', '2026-03-04T23:00:00.000Z', 'not-needed'],
      ['technical-service-management', '2026-03-04T19:00:00.000Z', 'escalated'],
      ['customer-engineer', '2026-03-04T17:00:00.000Z', 'escalated'],
    ]);
  });

  it('counts business time for severities 3-5 and names no executives', () => {
    const log = new TicketLog({ severity: 3, detectedAt: DETECTED });
    expect(table(log, DETECTED)).toEqual([
      // 24 business hours: Wed 10h, Thu 12h, Fri 2h → Fri 10:00 EST
      ['enterprise-services-engineering', '2026-03-10T14:00:00.000Z', 'pending'], // 48h: Tue 10:00 EDT
      ['technical-service-management', '2026-03-06T15:00:00.000Z', 'pending'],
      ['customer-engineer', '2026-03-04T23:00:00.000Z', 'pending'], // 8h: Wed 18:00 EST
    ]);
    const five = new TicketLog({ severity: 5, detectedAt: DETECTED });
    expect(computeEscalations(five.events, context(DETECTED)).map((e) => e.role)).toEqual([
      'enterprise-services-engineering',
      'technical-service-management',
      'customer-engineer',
    ]);
  });

  it('uses the severity 3 row for QA systems', () => {
    const log = new TicketLog({ severity: 1, detectedAt: DETECTED, environment: 'qa' });
    const escalations = computeEscalations(log.events, context(DETECTED));
    expect(escalations.map((e) => e.severity)).toEqual([3, 3, 3]);
  });

  it('shows when an escalation was recorded', () => {
    const log = new TicketLog({ severity: 1, detectedAt: DETECTED }).add(
      'escalated',
      '2026-03-04T16:00:05Z',
      { role: 'customer-engineer', severity: 1, after: '1h' },
    );
    const ce = computeEscalations(log.events, context('2026-03-04T16:01:00Z')).find(
      (e) => e.role === 'customer-engineer',
    );
    expect(ce).toMatchObject({ state: 'escalated', escalatedAt: '2026-03-04T16:00:05.000Z' });
  });

  it('escalates no test call', () => {
    const log = new TicketLog({ severity: 2, detectedAt: DETECTED, test: true });
    expect(computeEscalations(log.events, context('2026-03-10T00:00:00Z'))).toEqual([]);
  });
});

describe('storm children', () => {
  it('have no clocks or escalations of their own, from the moment they join a parent', () => {
    const log = new TicketLog({ severity: 2, detectedAt: DETECTED });
    expect(computeClocks(log.events, context('2026-03-04T15:05:00Z'))).toHaveLength(1);
    log.add('parent-attached', '2026-03-04T15:06:00Z', { parentId: 't-0' });
    const later = context('2026-03-05T15:00:00Z');
    expect(computeClocks(log.events, later)).toEqual([]);
    expect(computeEscalations(log.events, later)).toEqual([]);
    expect(pendingClockEvents(log.events, later)).toEqual([]);
    expect(nextClockDeadline(log.events, later)).toBeNull();
  });

  it('have none when opened as a child', () => {
    const log = new TicketLog({ severity: 1, detectedAt: DETECTED });
    (log.events[0]!.data as { parentId: string | null }).parentId = 't-0';
    expect(computeClocks(log.events, context('2026-03-05T15:00:00Z'))).toEqual([]);
  });
});
