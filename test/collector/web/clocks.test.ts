import { describe, expect, it } from 'vitest';
import {
  clockLevel,
  clockSpoken,
  clockText,
  compareByDue,
  elapsedFraction,
  nearestClock,
  ticketLevel,
} from '../../../collector/web/src/lib/clocks.js';
import type { ClockStatus } from '../../../collector/domain/ticket-events.js';
import type { ListedTicket } from '../../../collector/web/src/lib/types.js';

const T0 = Date.parse('2026-01-05T14:00:00Z');
const min = 60_000;

function clock(overrides: Partial<ClockStatus> = {}): ClockStatus {
  return {
    kind: 'onsite-response',
    iteration: 1,
    calendar: 'continuous',
    startedAt: new Date(T0).toISOString(),
    warnAt: new Date(T0 + 90 * min).toISOString(),
    dueAt: new Date(T0 + 120 * min).toISOString(),
    metAt: null,
    state: 'running',
    marginMs: 0,
    ...overrides,
  };
}

function ticket(
  id: string,
  clocks: ClockStatus[],
  overrides: Partial<ListedTicket> = {},
): ListedTicket {
  return {
    id,
    state: 'open',
    severity: 2,
    serviceSeverity: 2,
    domain: 'hardware',
    signal: 'memory.ecc.uncorrectable',
    summary: `ticket ${id}`,
    ruleId: 'r',
    source: 'call-home',
    siteId: 'nj1',
    frameId: 'f1',
    bladeId: 'b01',
    component: { kind: 'dimm', id: 'x' },
    environment: 'production',
    test: false,
    breached: false,
    occurrences: 1,
    parentId: null,
    openedAt: new Date(T0).toISOString(),
    detectedAt: new Date(T0).toISOString(),
    lastSeenAt: new Date(T0).toISOString(),
    clearedAt: null,
    fixedAt: null,
    closedAt: null,
    updatedAt: new Date(T0).toISOString(),
    clocks,
    clocksCarriedBy: null,
    ...overrides,
  };
}

describe('clock levels', () => {
  it('is neutral before the warning, amber from it, red from the due moment', () => {
    const c = clock();
    expect(clockLevel(c, T0 + 89 * min)).toBe('ok');
    expect(clockLevel(c, T0 + 90 * min)).toBe('warning');
    expect(clockLevel(c, T0 + 119 * min)).toBe('warning');
    expect(clockLevel(c, T0 + 120 * min)).toBe('breached');
  });

  it('rests once met, in time or late', () => {
    expect(
      clockLevel(clock({ metAt: new Date(T0 + 30 * min).toISOString() }), T0 + 200 * min),
    ).toBe('met');
    expect(
      clockLevel(
        clock({ metAt: new Date(T0 + 130 * min).toISOString(), state: 'breached' }),
        T0 + 200 * min,
      ),
    ).toBe('met-late');
  });

  it('fills the bar by the share of time gone, stopping at the meeting', () => {
    expect(elapsedFraction(clock(), T0 + 60 * min)).toBeCloseTo(0.5);
    expect(elapsedFraction(clock(), T0 + 500 * min)).toBe(1);
    expect(
      elapsedFraction(clock({ metAt: new Date(T0 + 30 * min).toISOString() }), T0 + 500 * min),
    ).toBeCloseTo(0.25);
  });

  it('counts down in words people read, and says it for screen readers', () => {
    expect(clockText(clock(), T0 + 60 * min)).toBe('1h 00m');
    expect(clockText(clock(), T0 + 115 * min + 30_000)).toBe('4m 30s');
    expect(clockText(clock(), T0 + 125 * min)).toBe('overdue 5m 00s');
    expect(clockSpoken(clock(), T0 + 100 * min)).toBe('On-site response: 20 minutes left, warning');
    expect(clockSpoken(clock(), T0 + 125 * min)).toBe(
      'On-site response: breached, overdue by 5 minutes',
    );
  });
});

describe('the board order', () => {
  it('puts the clock due first on top, overdue ones first of all, clockless tickets last', () => {
    const soon = ticket('1', [clock({ dueAt: new Date(T0 + 30 * min).toISOString() })]);
    const later = ticket('2', [clock()]);
    const overdue = ticket('3', [clock({ dueAt: new Date(T0 - 5 * min).toISOString() })]);
    const met = ticket(
      '4',
      [clock({ metAt: new Date(T0).toISOString(), dueAt: new Date(T0 - 60 * min).toISOString() })],
      {
        severity: 1,
      },
    );
    const none = ticket('5', [], { severity: 3 });
    const sorted = [later, none, soon, met, overdue].sort(compareByDue).map((t) => t.id);
    expect(sorted).toEqual(['3', '1', '2', '4', '5']);
  });

  it('takes the nearest unmet clock of a ticket and its worst level', () => {
    const response = clock({
      kind: 'software-response',
      dueAt: new Date(T0 + 60 * min).toISOString(),
      warnAt: new Date(T0 + 45 * min).toISOString(),
    });
    const t = ticket('1', [clock(), response]);
    expect(nearestClock(t.clocks)?.kind).toBe('software-response');
    expect(ticketLevel(t, T0)).toBe('ok');
    expect(ticketLevel(t, T0 + 50 * min)).toBe('warning');
    expect(ticketLevel(t, T0 + 61 * min)).toBe('breached');
    expect(ticketLevel(ticket('2', []), T0)).toBe('none');
  });
});
