import { describe, expect, it } from 'vitest';
import type { ClockKind, ClockStatus } from '../../../collector/domain/ticket-events.js';
import { clocksForNewTicket, computeClocks, detectionTime } from '../../../collector/sla/clocks.js';
import { HOUR, MINUTE, TicketLog, context, testContract } from './fixtures.js';

function clock(clocks: ClockStatus[], kind: ClockKind, iteration = 1): ClockStatus {
  const found = clocks.find((c) => c.kind === kind && c.iteration === iteration);
  if (!found)
    throw new Error(`no ${kind} #${iteration} in ${clocks.map((c) => c.kind).join(', ')}`);
  return found;
}
const kinds = (clocks: ClockStatus[]): string[] => clocks.map((c) => c.kind);

// Wed 2026-03-04 10:00 EST (business hours) and 22:00 EST (outside).
const IN_HOURS = '2026-03-04T15:00:00Z';
const OUT_OF_HOURS = '2026-03-05T03:00:00Z';

describe('severity 1 and 2: on-site response, diagnosis, replacement', () => {
  it('gives severity 1 the business-hours on-site target when detected in business hours', () => {
    const log = new TicketLog({ severity: 1, detectedAt: IN_HOURS });
    const clocks = computeClocks(log.events, context(IN_HOURS));
    expect(kinds(clocks)).toEqual(['onsite-response']);
    const onsite = clock(clocks, 'onsite-response');
    expect(onsite).toMatchObject({
      calendar: 'continuous',
      startedAt: '2026-03-04T15:00:00.000Z',
      dueAt: '2026-03-04T17:00:00.000Z',
      warnAt: '2026-03-04T16:30:00.000Z',
      metAt: null,
      state: 'running',
      marginMs: 2 * HOUR,
    });
  });

  it('gives the outside-hours target at night, counted continuously', () => {
    const log = new TicketLog({ severity: 1, detectedAt: OUT_OF_HOURS });
    const onsite = clock(computeClocks(log.events, context(OUT_OF_HOURS)), 'onsite-response');
    expect(onsite.dueAt).toBe('2026-03-05T07:00:00.000Z'); // 22:00 + 4h = 02:00
    const sev2 = new TicketLog({ severity: 2, detectedAt: OUT_OF_HOURS });
    expect(clock(computeClocks(sev2.events, context(OUT_OF_HOURS)), 'onsite-response').dueAt).toBe(
      '2026-03-05T11:00:00.000Z', // + 8h
    );
    const sev2day = new TicketLog({ severity: 2, detectedAt: IN_HOURS });
    expect(clock(computeClocks(sev2day.events, context(IN_HOURS)), 'onsite-response').dueAt).toBe(
      '2026-03-04T19:00:00.000Z', // + 4h
    );
  });

  it('treats 08:00 as business hours and 20:00 as outside them', () => {
    const at8 = new TicketLog({ severity: 1, detectedAt: '2026-03-04T13:00:00Z' });
    expect(
      clock(computeClocks(at8.events, context('2026-03-04T13:00:00Z')), 'onsite-response').dueAt,
    ).toBe('2026-03-04T15:00:00.000Z');
    const at20 = new TicketLog({ severity: 1, detectedAt: '2026-03-05T01:00:00Z' });
    expect(
      clock(computeClocks(at20.events, context('2026-03-05T01:00:00Z')), 'onsite-response').dueAt,
    ).toBe('2026-03-05T05:00:00.000Z');
  });

  it('treats weekends and holidays as outside business hours', () => {
    const saturday = new TicketLog({ severity: 1, detectedAt: '2026-03-07T15:00:00Z' });
    expect(
      clock(computeClocks(saturday.events, context('2026-03-07T15:00:00Z')), 'onsite-response')
        .dueAt,
    ).toBe('2026-03-07T19:00:00.000Z');
    const goodFriday = new TicketLog({ severity: 2, detectedAt: '2026-04-03T15:00:00Z' });
    expect(
      clock(computeClocks(goodFriday.events, context('2026-04-03T15:00:00Z')), 'onsite-response')
        .dueAt,
    ).toBe('2026-04-03T23:00:00.000Z');
  });

  it('meets on-site response on arrival, then runs diagnosis from arrival', () => {
    const log = new TicketLog({ severity: 1, detectedAt: IN_HOURS })
      .responded('2026-03-04T15:10:00Z')
      .arrived('2026-03-04T16:30:00Z');
    const clocks = computeClocks(log.events, context('2026-03-04T17:00:00Z'));
    expect(clock(clocks, 'onsite-response')).toMatchObject({
      state: 'met',
      metAt: '2026-03-04T16:30:00.000Z',
      marginMs: 30 * MINUTE,
    });
    expect(clock(clocks, 'diagnosis')).toMatchObject({
      startedAt: '2026-03-04T16:30:00.000Z',
      dueAt: '2026-03-04T18:30:00.000Z',
      state: 'running',
      marginMs: 90 * MINUTE,
    });
  });

  it('runs the four-hour replacement, 24x7, from a hardware diagnosis', () => {
    // Friday evening: diagnosis 19:00 EST, replacement due 23:00 EST the same night.
    const log = new TicketLog({ severity: 2, detectedAt: '2026-03-06T20:00:00Z' })
      .arrived('2026-03-06T22:00:00Z')
      .diagnosed('2026-03-07T00:00:00Z', 'hardware');
    const clocks = computeClocks(log.events, context('2026-03-07T01:00:00Z'));
    expect(clock(clocks, 'diagnosis')).toMatchObject({
      state: 'met',
      metAt: '2026-03-07T00:00:00.000Z',
    });
    expect(clock(clocks, 'replacement')).toMatchObject({
      calendar: 'continuous',
      startedAt: '2026-03-07T00:00:00.000Z',
      dueAt: '2026-03-07T04:00:00.000Z',
      state: 'running',
    });
    log.replaced('2026-03-07T03:30:00Z');
    expect(
      clock(computeClocks(log.events, context('2026-03-07T05:00:00Z')), 'replacement'),
    ).toMatchObject({
      state: 'met',
      metAt: '2026-03-07T03:30:00.000Z',
    });
  });

  it('breaches an on-site clock that ran out, and a late arrival stays breached', () => {
    const log = new TicketLog({ severity: 1, detectedAt: IN_HOURS });
    expect(
      clock(computeClocks(log.events, context('2026-03-04T17:00:00Z')), 'onsite-response').state,
    ).toBe('running');
    expect(
      clock(computeClocks(log.events, context('2026-03-04T17:00:00.001Z')), 'onsite-response'),
    ).toMatchObject({
      state: 'breached',
      marginMs: -1,
    });
    log.arrived('2026-03-04T18:00:00Z');
    expect(
      clock(computeClocks(log.events, context('2026-03-04T19:00:00Z')), 'onsite-response'),
    ).toMatchObject({
      state: 'breached',
      metAt: '2026-03-04T18:00:00.000Z',
      marginMs: -HOUR,
    });
  });

  it('gives no replacement clock to a software diagnosis', () => {
    const log = new TicketLog({ severity: 1, detectedAt: IN_HOURS })
      .arrived('2026-03-04T16:00:00Z')
      .diagnosed('2026-03-04T17:00:00Z', 'software');
    expect(kinds(computeClocks(log.events, context('2026-03-04T17:30:00Z')))).not.toContain(
      'replacement',
    );
  });
});

describe('severity 3-5: response on their calendars', () => {
  it('counts severity 3 in business hours across the night', () => {
    // Wed 18:00 EST + 4 business hours → Thu 10:00 EST
    const log = new TicketLog({
      severity: 3,
      detectedAt: '2026-03-04T23:00:00Z',
      domain: 'hardware',
    });
    const clocks = computeClocks(log.events, context('2026-03-04T23:00:00Z'));
    expect(kinds(clocks)).toEqual(['response']);
    expect(clock(clocks, 'response')).toMatchObject({
      calendar: 'business',
      dueAt: '2026-03-05T15:00:00.000Z',
      warnAt: '2026-03-05T14:00:00.000Z', // 3 business hours: Wed 2h + Thu 1h → 09:00 EST
    });
  });
});

describe('detection time', () => {
  const contract = testContract();
  it('uses the observation time within the skew', () => {
    expect(detectionTime('2026-03-04T15:00:00Z', '2026-03-04T15:04:00Z', contract)).toBe(
      '2026-03-04T15:00:00.000Z',
    );
  });
  it('uses the receive time beyond the skew or when the agent is ahead', () => {
    expect(detectionTime('2026-03-04T14:00:00Z', '2026-03-04T15:04:00Z', contract)).toBe(
      '2026-03-04T15:04:00.000Z',
    );
    expect(detectionTime('2026-03-04T15:05:00Z', '2026-03-04T15:04:00Z', contract)).toBe(
      '2026-03-04T15:04:00.000Z',
    );
    expect(detectionTime('garbage', '2026-03-04T15:04:00Z', contract)).toBe(
      '2026-03-04T15:04:00.000Z',
    );
  });
});

describe('clocks for a new ticket', () => {
  it('lists what a ticket detected now would get', () => {
    const clocks = clocksForNewTicket(
      {
        severity: 2,
        detectedAt: new Date(IN_HOURS),
        environment: 'production',
        domain: 'software',
      },
      context(IN_HOURS),
    );
    expect(kinds(clocks)).toEqual(['onsite-response', 'software-response', 'software-updates']);
  });
});
