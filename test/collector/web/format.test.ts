import { describe, expect, it } from 'vitest';
import { formatDuration, spokenDuration } from '../../../collector/web/src/lib/format.js';
import { applyFilters, NO_FILTERS } from '../../../collector/web/src/lib/filters.js';
import { ticketIdOf } from '../../../collector/web/src/lib/tickets.js';

describe('durations', () => {
  it('shows two units, the finer zero-padded', () => {
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(12 * 60_000 + 5_000)).toBe('12m 05s');
    expect(formatDuration(3 * 3_600_000 + 7 * 60_000)).toBe('3h 07m');
    expect(formatDuration(-(2 * 86_400_000 + 4 * 3_600_000))).toBe('2d 4h');
    expect(spokenDuration(3 * 3_600_000 + 60_000)).toBe('3 hours 1 minute');
  });
});

describe('stream messages', () => {
  it('finds the ticket id in the event, the summary or the data', () => {
    expect(ticketIdOf({ event: { ticketId: '12' } })).toBe('12');
    expect(ticketIdOf({ ticket: { id: 7 } })).toBe('7');
    expect(ticketIdOf({ ticketId: '3' })).toBe('3');
    expect(ticketIdOf({})).toBeNull();
  });
});

describe('filters', () => {
  it('hides closed tickets unless asked for, and matches text anywhere', () => {
    const base = {
      siteId: 'nj1',
      frameId: 'f1',
      bladeId: 'b01',
      ruleId: 'r',
      signal: 's',
      clocks: [],
      breached: false,
      severity: 2,
      domain: 'hardware',
    };
    const tickets = [
      { ...base, id: '1', state: 'open', summary: 'Fan failed' },
      { ...base, id: '2', state: 'closed', summary: 'Disk full' },
    ] as never[];
    expect(applyFilters(tickets, NO_FILTERS, 0).map((t) => t.id)).toEqual(['1']);
    expect(applyFilters(tickets, { ...NO_FILTERS, state: 'closed' }, 0).map((t) => t.id)).toEqual([
      '2',
    ]);
    expect(applyFilters(tickets, { ...NO_FILTERS, text: 'fan' }, 0).map((t) => t.id)).toEqual([
      '1',
    ]);
    expect(applyFilters(tickets, { ...NO_FILTERS, breached: true }, 0)).toHaveLength(0);
  });
});
