import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.js';
import type { AnyTicketEvent } from '../../../collector/domain/ticket-events.js';
import {
  computeClocks,
  computeEscalations,
  evaluateClocks,
  nextClockDeadline,
  pendingClockEvents,
} from '../../../collector/sla/clocks.js';
import { TicketLog, context, testContract } from './fixtures.js';

const DETECTED = '2026-03-04T15:00:00Z'; // Wed 10:00 EST

/** What the clock engine does: record what is due, then sleep until the next deadline. */
function runEngine(
  log: TicketLog,
  until: string,
  contract = testContract(),
  actions: [string, (l: TicketLog) => void][] = [],
) {
  const clock = new ManualClock(log.events[0]!.at);
  const tick = (): void => {
    const ctx = context(clock.now().toISOString(), contract);
    for (const e of pendingClockEvents(log.events, ctx))
      log.add(e.type, ctx.now.toISOString(), e.data);
    const next = nextClockDeadline(log.events, ctx);
    if (next) clock.setTimeout(tick, next.getTime() - ctx.now.getTime());
  };
  let pending: { cancel(): void } | null = null;
  for (const [at, act] of actions) {
    clock.setTimeout(
      () => {
        act(log);
        pending?.cancel();
        tick();
      },
      Date.parse(at) - clock.now().getTime(),
    );
  }
  tick();
  pending = null;
  clock.set(until);
}

function clockEvents(events: AnyTicketEvent[]): string[] {
  return events.flatMap((e) => {
    switch (e.type) {
      case 'clock-warning':
      case 'clock-breached':
        return [`${e.at} ${e.type} ${e.data.clock}#${e.data.iteration}`];
      case 'escalated':
        return [`${e.at} escalated ${e.data.role} after ${e.data.after}`];
      default:
        return [];
    }
  });
}

describe('warnings, breaches and escalations as the engine records them', () => {
  it('records each once, at its moment, for an untouched severity 1 fault', () => {
    const log = new TicketLog({ severity: 1, detectedAt: DETECTED });
    runEngine(log, '2026-03-06T00:00:00Z');
    expect(clockEvents(log.events)).toEqual([
      '2026-03-04T16:00:00.000Z escalated customer-engineer after 1h',
      '2026-03-04T16:30:00.000Z clock-warning onsite-response#1',
      '2026-03-04T17:00:00.000Z escalated technical-service-management after 2h',
      '2026-03-04T17:00:00.001Z clock-breached onsite-response#1',
      '2026-03-04T19:00:00.000Z escalated enterprise-services-engineering after 4h',
      '2026-03-04T23:00:00.000Z escalated vp after 8h',
      '2026-03-05T15:00:00.000Z escalated ceo-coo after 1d',
    ]);
    expect(nextClockDeadline(log.events, context('2026-03-06T00:00:00Z'))).toBeNull();
  });

  it('stops warning, breaching and escalating once work meets the clocks', () => {
    const log = new TicketLog({ severity: 1, detectedAt: DETECTED });
    runEngine(log, '2026-03-06T00:00:00Z', testContract(), [
      ['2026-03-04T16:45:00Z', (l) => l.arrived('2026-03-04T16:45:00Z')],
      ['2026-03-04T18:00:00Z', (l) => l.diagnosed('2026-03-04T18:00:00Z', 'hardware')],
      ['2026-03-04T18:30:00Z', (l) => l.replaced('2026-03-04T18:30:00Z')],
      ['2026-03-04T18:50:00Z', (l) => l.fixed('2026-03-04T18:50:00Z')],
    ]);
    expect(clockEvents(log.events)).toEqual([
      '2026-03-04T16:00:00.000Z escalated customer-engineer after 1h',
      '2026-03-04T16:30:00.000Z clock-warning onsite-response#1',
      '2026-03-04T17:00:00.000Z escalated technical-service-management after 2h',
      // diagnosis ran 16:45-18:45 (warning at 18:15) but was met at 18:00
    ]);
  });

  it('warns at the configured fraction', () => {
    const contract = testContract((c) => {
      c.clocks = { warnFraction: 0.5 };
    });
    const log = new TicketLog({ severity: 3, detectedAt: DETECTED });
    runEngine(log, '2026-03-04T18:00:00Z', contract);
    expect(clockEvents(log.events)).toEqual(['2026-03-04T17:00:00.000Z clock-warning response#1']);
  });

  it('catches up after downtime: no stale warning, every breach and escalation in order', () => {
    const log = new TicketLog({ severity: 1, detectedAt: DETECTED });
    const events = pendingClockEvents(log.events, context('2026-03-05T16:00:00Z'));
    expect(
      events.map((e) => `${e.type} ${'clock' in e.data ? e.data.clock : e.data.role}`),
    ).toEqual([
      'escalated customer-engineer',
      'escalated technical-service-management',
      'clock-breached onsite-response',
      'escalated enterprise-services-engineering',
      'escalated vp',
      'escalated ceo-coo',
    ]);
    expect(events.find((e) => e.type === 'clock-breached')!.data).toEqual({
      clock: 'onsite-response',
      iteration: 1,
      dueAt: '2026-03-04T17:00:00.000Z',
    });
  });

  it('records a breach met late before the engine saw it, but no escalation after a fix', () => {
    const log = new TicketLog({ severity: 1, detectedAt: DETECTED })
      .arrived('2026-03-04T17:30:00Z')
      .diagnosed('2026-03-04T17:45:00Z', 'hardware')
      .fixed('2026-03-04T17:50:00Z');
    expect(pendingClockEvents(log.events, context('2026-03-04T18:00:00Z'))).toEqual([
      {
        type: 'clock-breached',
        data: { clock: 'onsite-response', iteration: 1, dueAt: '2026-03-04T17:00:00.000Z' },
      },
    ]);
  });

  it('is idempotent: nothing twice for the same clock and iteration or role', () => {
    const log = new TicketLog({ severity: 2, detectedAt: DETECTED, domain: 'software' });
    const at = '2026-03-06T12:00:00Z';
    const first = pendingClockEvents(log.events, context(at));
    expect(first.length).toBeGreaterThan(5);
    for (const e of first) log.add(e.type, at, e.data);
    expect(pendingClockEvents(log.events, context(at))).toEqual([]);
    expect(pendingClockEvents(log.events, context('2026-03-06T12:00:01Z'))).toEqual([]);
    const keys = first.map(
      (e) => `${e.type}:${'clock' in e.data ? `${e.data.clock}#${e.data.iteration}` : e.data.role}`,
    );
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('records one breach per missed update period', () => {
    const log = new TicketLog({ severity: 2, detectedAt: DETECTED, domain: 'software' })
      .responded('2026-03-04T15:10:00Z')
      .arrived('2026-03-04T16:00:00Z')
      .diagnosed('2026-03-04T17:00:00Z', 'software');
    runEngine(log, '2026-03-05T23:30:00Z');
    const updates = clockEvents(log.events).filter((l) => l.includes('software-updates'));
    expect(updates).toEqual([
      '2026-03-05T18:00:00.000Z clock-warning software-updates#1',
      '2026-03-05T19:00:00.001Z clock-breached software-updates#1',
      '2026-03-05T22:00:00.000Z clock-warning software-updates#2',
      '2026-03-05T23:00:00.001Z clock-breached software-updates#2',
    ]);
  });

  it('points the timer at the earliest warning, breach or escalation ahead', () => {
    const log = new TicketLog({ severity: 3, detectedAt: DETECTED });
    // Response warns at 13:00 EST (18:00Z); customer engineer escalation at 18:00 EST (23:00Z).
    expect(nextClockDeadline(log.events, context(DETECTED))?.toISOString()).toBe(
      '2026-03-04T18:00:00.000Z',
    );
    log.add('clock-warning', '2026-03-04T18:00:00Z', {
      clock: 'response',
      iteration: 1,
      dueAt: '2026-03-04T19:00:00.000Z',
    });
    expect(nextClockDeadline(log.events, context('2026-03-04T18:00:00Z'))?.toISOString()).toBe(
      '2026-03-04T19:00:00.001Z',
    );
    log.responded('2026-03-04T18:30:00Z');
    expect(nextClockDeadline(log.events, context('2026-03-04T18:30:00Z'))?.toISOString()).toBe(
      '2026-03-04T23:00:00.000Z',
    );
    log.fixed('2026-03-04T20:00:00Z');
    expect(nextClockDeadline(log.events, context('2026-03-04T20:00:00Z'))).toBeNull();
  });

  it('reads the log as it stood at the moment asked', () => {
    const log = new TicketLog({ severity: 1, detectedAt: DETECTED }).arrived(
      '2026-03-04T16:00:00Z',
    );
    // Replaying 15:30: the arrival had not happened; the warning at 16:30 is still ahead.
    expect(nextClockDeadline(log.events, context('2026-03-04T15:30:00Z'))?.toISOString()).toBe(
      '2026-03-04T16:00:00.000Z', // customer engineer escalation
    );
  });

  it('gives the engine everything in one pass, equal to the separate functions', () => {
    const log = new TicketLog({ severity: 2, detectedAt: DETECTED, domain: 'software' }).responded(
      '2026-03-04T15:30:00Z',
    );
    for (const now of ['2026-03-04T16:00:00Z', '2026-03-04T18:00:00Z', '2026-03-06T00:00:00Z']) {
      const ctx = context(now);
      expect(evaluateClocks(log.events, ctx)).toEqual({
        clocks: computeClocks(log.events, ctx),
        escalations: computeEscalations(log.events, ctx),
        pending: pendingClockEvents(log.events, ctx),
        next: nextClockDeadline(log.events, ctx),
      });
    }
  });
});
