import { describe, expect, it } from 'vitest';
import type { ClockStatus } from '../../../collector/domain/ticket-events.js';
import { computeClocks } from '../../../collector/sla/clocks.js';
import { HOUR, TicketLog, context, testContract } from './fixtures.js';

const DETECTED = '2026-03-04T15:00:00Z'; // Wed 10:00 EST
const kinds = (clocks: ClockStatus[]): string[] => clocks.map((c) => c.kind);
const updates = (clocks: ClockStatus[]) =>
  clocks
    .filter((c) => c.kind === 'software-updates')
    .map((c) => ({
      i: c.iteration,
      start: c.startedAt,
      due: c.dueAt,
      met: c.metAt,
      state: c.state,
    }));

describe('software response: an engineer within one hour', () => {
  it('runs one continuous hour from detection and is met by a response', () => {
    const log = new TicketLog({ severity: 3, detectedAt: DETECTED, domain: 'software' });
    const running = computeClocks(log.events, context(DETECTED));
    expect(kinds(running)).toEqual(['response', 'software-response', 'software-updates']);
    expect(running[1]).toMatchObject({
      calendar: 'continuous',
      dueAt: '2026-03-04T16:00:00.000Z',
      state: 'running',
    });
    log.responded('2026-03-04T15:40:00Z');
    const met = computeClocks(log.events, context('2026-03-04T16:00:00Z'));
    expect(met[1]).toMatchObject({
      state: 'met',
      metAt: '2026-03-04T15:40:00.000Z',
      marginMs: 20 * 60_000,
    });
  });

  it('counts at night and on weekends, whatever the severity', () => {
    const log = new TicketLog({
      severity: 4,
      detectedAt: '2026-03-08T03:00:00Z',
      domain: 'software',
    });
    const clocks = computeClocks(log.events, context('2026-03-08T03:00:00Z'));
    expect(clocks.find((c) => c.kind === 'software-response')!.dueAt).toBe(
      '2026-03-08T04:00:00.000Z',
    );
  });

  it('is met by a diagnosis that the fault is hardware after all', () => {
    const log = new TicketLog({ severity: 3, detectedAt: DETECTED, domain: 'software' }).diagnosed(
      '2026-03-04T15:30:00Z',
      'hardware',
    );
    const clocks = computeClocks(log.events, context('2026-03-04T17:00:00Z'));
    expect(clocks.find((c) => c.kind === 'software-response')).toMatchObject({ state: 'met' });
    // No longer a software call: no update cadence ever starts.
    expect(updates(computeClocks(log.events, context('2026-03-10T17:00:00Z')))).toEqual([]);
  });

  it('is not started for a call found software only by diagnosis (default)', () => {
    const log = new TicketLog({
      severity: 3,
      detectedAt: DETECTED,
      domain: 'undetermined',
    }).diagnosed('2026-03-04T18:00:00Z', 'software');
    const clocks = computeClocks(log.events, context('2026-03-04T18:00:00Z'));
    expect(kinds(clocks)).toEqual(['response', 'software-updates']);
    // Updates count from the diagnosis: 24 business hours from Wed 13:00 EST → Fri 13:00 EST.
    expect(updates(clocks)[0]!.start).toBe('2026-03-06T18:00:00.000Z');
  });

  it('is counted from detection when softwareKnownLater is detection', () => {
    const contract = testContract((c) => {
      c.clocks = { softwareKnownLater: 'detection' };
    });
    const log = new TicketLog({ severity: 2, detectedAt: DETECTED, domain: 'hardware' })
      .arrived('2026-03-04T17:00:00Z')
      .diagnosed('2026-03-04T18:00:00Z', 'software');
    const clocks = computeClocks(log.events, context('2026-03-04T18:00:00Z', contract));
    // Nobody engaged within the hour (arrival at 12:00 EST): breached, retroactively.
    expect(clocks.find((c) => c.kind === 'software-response')).toMatchObject({
      startedAt: '2026-03-04T15:00:00.000Z',
      dueAt: '2026-03-04T16:00:00.000Z',
      metAt: '2026-03-04T17:00:00.000Z',
      state: 'breached',
    });
    expect(updates(clocks)[0]!.start).toBe('2026-03-05T15:00:00.000Z'); // 24h continuous (sev 2)
  });
});

describe('software updates: every [every] once not closed within [after]', () => {
  // Severity 2 works continuously: the mark is Thu 10:00 EST, then periods of 4 hours.
  const log = () => new TicketLog({ severity: 2, detectedAt: DETECTED, domain: 'software' });

  it('shows the first period ahead before the mark', () => {
    expect(updates(computeClocks(log().events, context(DETECTED)))).toEqual([
      {
        i: 1,
        start: '2026-03-05T15:00:00.000Z',
        due: '2026-03-05T19:00:00.000Z',
        met: null,
        state: 'running',
      },
    ]);
  });

  it('rolls from each update, and counts every missed period', () => {
    const events = log()
      .update('2026-03-05T10:00:00Z') // before the mark: does not count
      .update('2026-03-05T18:00:00Z') // meets period 1; period 2 runs to 22:00Z
      // nothing in period 2: breached; period 3 runs 22:00Z-02:00Z
      .update('2026-03-06T01:00:00Z').events; // meets period 3; period 4 from 01:00Z
    expect(updates(computeClocks(events, context('2026-03-06T02:00:00Z')))).toEqual([
      {
        i: 1,
        start: '2026-03-05T15:00:00.000Z',
        due: '2026-03-05T19:00:00.000Z',
        met: '2026-03-05T18:00:00.000Z',
        state: 'met',
      },
      {
        i: 2,
        start: '2026-03-05T18:00:00.000Z',
        due: '2026-03-05T22:00:00.000Z',
        met: null,
        state: 'breached',
      },
      {
        i: 3,
        start: '2026-03-05T22:00:00.000Z',
        due: '2026-03-06T02:00:00.000Z',
        met: '2026-03-06T01:00:00.000Z',
        state: 'met',
      },
      {
        i: 4,
        start: '2026-03-06T01:00:00.000Z',
        due: '2026-03-06T05:00:00.000Z',
        met: null,
        state: 'running',
      },
    ]);
  });

  it('keeps counting periods while nobody updates', () => {
    // At Fri 15:00Z the sixth period is due (not yet missed); a moment later the seventh begins.
    expect(updates(computeClocks(log().events, context('2026-03-06T15:00:00Z')))).toHaveLength(6);
    const clocks = updates(computeClocks(log().events, context('2026-03-06T15:30:00Z')));
    expect(clocks).toHaveLength(7);
    expect(clocks.slice(0, 6).every((c) => c.state === 'breached')).toBe(true);
    expect(clocks[6]).toMatchObject({ start: '2026-03-06T15:00:00.000Z', state: 'running' });
  });

  it('stops at the close, which meets the running period', () => {
    const events = log()
      .update('2026-03-05T18:00:00Z')
      .fixed('2026-03-05T20:00:00Z')
      .closed('2026-03-05T21:00:00Z').events;
    const clocks = updates(computeClocks(events, context('2026-03-07T00:00:00Z')));
    expect(clocks).toHaveLength(2);
    expect(clocks[1]).toMatchObject({ i: 2, met: '2026-03-05T21:00:00.000Z', state: 'met' });
  });

  it('runs on after the fix until the close unless until is fixed', () => {
    const events = log().update('2026-03-05T18:00:00Z').fixed('2026-03-05T20:00:00Z').events;
    const untilClosed = updates(computeClocks(events, context('2026-03-06T03:00:00Z')));
    expect(untilClosed.map((c) => c.state)).toEqual(['met', 'breached', 'breached', 'running']);
    const contract = testContract((c) => {
      c.softwareUpdates = { after: '24h', every: '4h', until: 'fixed' };
    });
    const untilFixed = updates(computeClocks(events, context('2026-03-06T03:00:00Z', contract)));
    expect(untilFixed.map((c) => c.state)).toEqual(['met', 'met']);
    expect(untilFixed[1]!.met).toBe('2026-03-05T20:00:00.000Z');
  });

  it('never starts for a call closed within [after]', () => {
    const events = log().fixed('2026-03-04T20:00:00Z').closed('2026-03-05T14:00:00Z').events;
    expect(updates(computeClocks(events, context('2026-03-09T00:00:00Z')))).toEqual([]);
  });

  it('counts business time for severities 3-5', () => {
    // Severity 4, Fri 19:30 EST: the mark after 24 business hours is Tue 19:30 EDT, and the
    // first update is due 4 business hours later, Wed 11:30 EDT.
    const sev4 = new TicketLog({
      severity: 4,
      detectedAt: '2026-03-07T00:30:00Z',
      domain: 'software',
    });
    expect(updates(computeClocks(sev4.events, context('2026-03-07T00:30:00Z')))[0]).toMatchObject({
      start: '2026-03-10T23:30:00.000Z',
      due: '2026-03-11T15:30:00.000Z',
    });
  });

  it('warns at the configured fraction of each period', () => {
    const clocks = computeClocks(log().events, context(DETECTED));
    const first = clocks.find((c) => c.kind === 'software-updates')!;
    expect(Date.parse(first.warnAt) - Date.parse(first.startedAt)).toBe(3 * HOUR);
  });
});
