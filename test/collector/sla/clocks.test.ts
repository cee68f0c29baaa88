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

  it('counts continuous targets in real hours across daylight-saving changes', () => {
    // Sat 7 March 2026 23:00 EST + 4h: clocks spring forward at 02:00, so 04:00 EDT (08:00Z).
    const spring = new TicketLog({ severity: 1, detectedAt: '2026-03-08T04:00:00Z' });
    expect(
      clock(computeClocks(spring.events, context('2026-03-08T04:00:00Z')), 'onsite-response').dueAt,
    ).toBe('2026-03-08T08:00:00.000Z');
    // Sat 31 October 2026 23:00 EDT + 8h (severity 2): clocks fall back, so 06:00 EST (11:00Z).
    const fall = new TicketLog({ severity: 2, detectedAt: '2026-11-01T03:00:00Z' });
    expect(
      clock(computeClocks(fall.events, context('2026-11-01T03:00:00Z')), 'onsite-response').dueAt,
    ).toBe('2026-11-01T11:00:00.000Z');
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

describe('what a fix, a remote diagnosis or a re-diagnosis does', () => {
  it('meets every running clock with the fix', () => {
    const log = new TicketLog({ severity: 1, detectedAt: IN_HOURS, domain: 'software' })
      .responded('2026-03-04T15:20:00Z')
      .fixed('2026-03-04T16:00:00Z');
    const clocks = computeClocks(log.events, context('2026-03-04T20:00:00Z'));
    expect(clock(clocks, 'onsite-response')).toMatchObject({
      state: 'met',
      metAt: '2026-03-04T16:00:00.000Z',
    });
    expect(clock(clocks, 'software-response')).toMatchObject({
      state: 'met',
      metAt: '2026-03-04T15:20:00.000Z',
    });
    expect(kinds(clocks)).not.toContain('diagnosis'); // nobody needed to go on site
  });

  it('gives no diagnosis clock when the diagnosis came before anyone arrived', () => {
    const log = new TicketLog({ severity: 2, detectedAt: IN_HOURS })
      .responded('2026-03-04T15:10:00Z')
      .diagnosed('2026-03-04T15:40:00Z', 'hardware')
      .arrived('2026-03-04T17:00:00Z');
    const clocks = computeClocks(log.events, context('2026-03-04T17:30:00Z'));
    expect(kinds(clocks)).toEqual(['onsite-response', 'replacement']);
    expect(clock(clocks, 'replacement').dueAt).toBe('2026-03-04T19:40:00.000Z');
  });

  it('ends a replacement clock when the fault is re-diagnosed as software', () => {
    const log = new TicketLog({ severity: 1, detectedAt: IN_HOURS })
      .arrived('2026-03-04T16:00:00Z')
      .diagnosed('2026-03-04T16:30:00Z', 'hardware')
      .diagnosed('2026-03-04T17:30:00Z', 'software');
    const clocks = computeClocks(log.events, context('2026-03-04T18:00:00Z'));
    expect(clock(clocks, 'replacement')).toMatchObject({
      state: 'met',
      metAt: '2026-03-04T17:30:00.000Z',
    });
    // Found software by diagnosis: the cadence counts from it (default softwareKnownLater).
    expect(clock(clocks, 'software-updates').startedAt).toBe('2026-03-05T17:30:00.000Z');
  });

  it('promises the replacement blade to severities 1-2 unless the contract widens it', () => {
    const log = new TicketLog({ severity: 3, detectedAt: IN_HOURS })
      .responded('2026-03-04T15:30:00Z')
      .diagnosed('2026-03-04T16:00:00Z', 'hardware');
    expect(kinds(computeClocks(log.events, context('2026-03-04T16:00:00Z')))).toEqual(['response']);
    const widened = testContract((c) => {
      c.replacementSeverities = [1, 2, 3];
    });
    expect(
      clock(computeClocks(log.events, context('2026-03-04T16:00:00Z', widened)), 'replacement'),
    ).toMatchObject({
      startedAt: '2026-03-04T16:00:00.000Z',
      dueAt: '2026-03-04T20:00:00.000Z',
      calendar: 'continuous',
    });
  });
});

describe('severity 3-5: response on their calendars', () => {
  const dueOf = (severity: 3 | 4 | 5, detectedAt: string, contract = testContract()) =>
    clock(
      computeClocks(
        new TicketLog({ severity, detectedAt, domain: 'hardware' }).events,
        context(detectedAt, contract),
      ),
      'response',
    );

  it('counts severity 3 in business hours across the night', () => {
    // Wed 18:00 EST + 4 business hours → Thu 10:00 EST
    const log = new TicketLog({ severity: 3, detectedAt: '2026-03-04T23:00:00Z' });
    const clocks = computeClocks(log.events, context('2026-03-04T23:00:00Z'));
    expect(kinds(clocks)).toEqual(['response']);
    expect(clock(clocks, 'response')).toMatchObject({
      calendar: 'business',
      dueAt: '2026-03-05T15:00:00.000Z',
      warnAt: '2026-03-05T14:00:00.000Z', // 3 business hours: Wed 2h + Thu 1h → 09:00 EST
    });
  });

  it('gives each severity its target in and out of business hours', () => {
    expect(dueOf(3, IN_HOURS).dueAt).toBe('2026-03-04T19:00:00.000Z'); // Wed 14:00 EST
    expect(dueOf(3, OUT_OF_HOURS).dueAt).toBe('2026-03-05T17:00:00.000Z'); // Thu 12:00 EST
    expect(dueOf(4, IN_HOURS).dueAt).toBe('2026-03-05T15:00:00.000Z'); // Thu 10:00 EST
    expect(dueOf(4, OUT_OF_HOURS).dueAt).toBe('2026-03-06T01:00:00.000Z'); // Thu 20:00 EST
    // 36 business hours from Wed 10:00: Wed 10h, Thu 12h, Fri 12h, Mon 2h → Mon 10:00 EDT.
    expect(dueOf(5, IN_HOURS).dueAt).toBe('2026-03-09T14:00:00.000Z');
    // Saturday: counts from Monday 08:00.
    expect(dueOf(3, '2026-03-07T15:00:00Z').dueAt).toBe('2026-03-09T16:00:00.000Z'); // Mon 12:00 EDT
  });

  it('skips holidays and extra closures', () => {
    // Wed 2025-01-08 17:00 EST + 4h: 3h Wed, Thu 9th closed (mourning) → Fri 09:00 EST.
    expect(dueOf(3, '2025-01-08T22:00:00Z').dueAt).toBe('2025-01-10T14:00:00.000Z');
    // Thu 2026-12-24 (early close, a business day) 19:00 EST + 4h: Christmas → Mon 28th 11:00.
    expect(dueOf(3, '2026-12-25T00:00:00Z').dueAt).toBe('2026-12-28T16:00:00.000Z');
  });

  it('follows a continuous calendar when the contract says so', () => {
    const contract = testContract((c) => {
      c.severities[3] = { response: '4h', calendar: 'continuous' };
    });
    const response = dueOf(3, OUT_OF_HOURS, contract);
    expect(response).toMatchObject({ calendar: 'continuous', dueAt: '2026-03-05T07:00:00.000Z' });
  });

  it('is met by any engagement and keeps business margins', () => {
    const log = new TicketLog({ severity: 4, detectedAt: OUT_OF_HOURS }).add(
      'acknowledged',
      '2026-03-05T14:00:00Z',
      { note: 'auto' },
    );
    expect(
      clock(computeClocks(log.events, context('2026-03-05T16:00:00Z')), 'response'),
    ).toMatchObject({
      state: 'met',
      metAt: '2026-03-05T14:00:00.000Z',
      marginMs: 11 * HOUR, // met at 09:00 EST, due 20:00 EST
    });
    // A running business clock's margin does not shrink overnight.
    const night = new TicketLog({ severity: 4, detectedAt: IN_HOURS });
    const at22 = clock(computeClocks(night.events, context('2026-03-05T03:00:00Z')), 'response');
    const at06 = clock(computeClocks(night.events, context('2026-03-05T11:00:00Z')), 'response');
    expect(at22.marginMs).toBe(2 * HOUR);
    expect(at06.marginMs).toBe(2 * HOUR);
  });
});

describe('QA systems: served at severity 3 response time', () => {
  it('gives a QA severity 1 fault the severity 3 response clock and nothing else', () => {
    const log = new TicketLog({ severity: 1, detectedAt: IN_HOURS, environment: 'qa' })
      .arrived('2026-03-04T16:00:00Z')
      .diagnosed('2026-03-04T16:30:00Z', 'hardware');
    const clocks = computeClocks(log.events, context('2026-03-04T17:00:00Z'));
    expect(kinds(clocks)).toEqual(['response']);
    expect(clock(clocks, 'response')).toMatchObject({
      calendar: 'business',
      dueAt: '2026-03-04T19:00:00.000Z',
      state: 'met',
      metAt: '2026-03-04T16:00:00.000Z',
    });
  });

  it('keeps a slower QA severity’s own target', () => {
    const log = new TicketLog({ severity: 4, detectedAt: IN_HOURS, environment: 'qa' });
    expect(clock(computeClocks(log.events, context(IN_HOURS)), 'response').dueAt).toBe(
      '2026-03-05T15:00:00.000Z',
    );
  });

  it('gives QA software calls the update cadence but not the one-hour response', () => {
    const log = new TicketLog({
      severity: 2,
      detectedAt: IN_HOURS,
      environment: 'qa',
      domain: 'software',
    });
    expect(kinds(computeClocks(log.events, context(IN_HOURS)))).toEqual([
      'response',
      'software-updates',
    ]);
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
