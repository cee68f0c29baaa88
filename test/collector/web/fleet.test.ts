import { describe, expect, it } from 'vitest';
import type { BladeView, SiteView } from '../../../collector/fleet/fleet-queries.js';
import {
  buildFleet,
  FRAME_SLOTS,
  placeBlades,
  slotOf,
} from '../../../collector/web/src/lib/fleet.js';
import type { ListedTicket } from '../../../collector/web/src/lib/types.js';

function blade(
  siteId: string,
  frameId: string,
  bladeId: string,
  state: BladeView['state'] = 'online',
): BladeView {
  return {
    bladeId,
    siteId,
    frameId,
    hostname: null,
    bladeType: null,
    vendor: null,
    serial: null,
    firmware: null,
    os: null,
    kernel: null,
    arch: null,
    cpus: null,
    memoryBytes: null,
    agentVersion: null,
    software: null,
    environment: 'production',
    declaredEnvironment: null,
    bootId: null,
    heartbeatS: 60,
    state,
    stateSince: '2026-01-05T14:00:00Z',
    fault: null,
    silentAt: null,
    firstSeenAt: '2026-01-05T14:00:00Z',
    lastSeenAt: '2026-01-05T14:00:00Z',
    lastHealthAt: null,
    lastHealth: null,
  };
}

function ticket(id: string, over: Partial<ListedTicket>): ListedTicket {
  return {
    id,
    state: 'open',
    severity: 3,
    serviceSeverity: 3,
    domain: 'hardware',
    signal: 's',
    summary: 's',
    ruleId: 'r',
    source: 'call-home',
    siteId: 'nj1',
    frameId: 'f1',
    bladeId: null,
    component: { kind: 'blade', id: 'x' },
    environment: 'production',
    test: false,
    breached: false,
    occurrences: 1,
    parentId: null,
    openedAt: '2026-01-05T14:00:00Z',
    detectedAt: '2026-01-05T14:00:00Z',
    lastSeenAt: '2026-01-05T14:00:00Z',
    clearedAt: null,
    fixedAt: null,
    closedAt: null,
    updatedAt: '2026-01-05T14:00:00Z',
    clocks: [],
    clocksCarriedBy: null,
    ...over,
  };
}

describe('fleet grid', () => {
  it('reads the slot from the number that ends a blade id', () => {
    expect(slotOf('b07')).toBe(7);
    expect(slotOf('nj1-f2-blade-24')).toBe(24);
    expect(slotOf('b25')).toBeNull();
    expect(slotOf('alpha')).toBeNull();
  });

  it('places blades in their slots and the others in the free ones, 24 slots a frame', () => {
    const slots = placeBlades([
      blade('s', 'f', 'b03'),
      blade('s', 'f', 'alpha'),
      blade('s', 'f', 'b01'),
    ]);
    expect(slots).toHaveLength(FRAME_SLOTS);
    expect(slots[0]?.bladeId).toBe('b01');
    expect(slots[1]?.bladeId).toBe('alpha');
    expect(slots[2]?.bladeId).toBe('b03');
    expect(slots[3]).toBeNull();
  });

  it('colours a blade by its worst open fault, leaving out tests, feature requests and closed tickets', () => {
    const sites: SiteView[] = [
      {
        siteId: 'nj1',
        name: 'Weehawken',
        address: null,
        contacts: null,
        inContract: true,
        frames: [],
      },
    ];
    const blades = [
      blade('nj1', 'f1', 'b01'),
      blade('nj1', 'f1', 'b02', 'silent'),
      blade('nj1', 'f2', 'b01x'),
    ];
    const tickets = [
      ticket('1', { bladeId: 'b01', severity: 3 }),
      ticket('2', { bladeId: 'b01', severity: 2 }),
      ticket('3', { bladeId: 'b01', severity: 1, state: 'closed' }),
      ticket('4', { bladeId: 'b02', severity: 1, test: true }),
      ticket('5', { bladeId: 'b02', severity: 5 }),
      ticket('6', { frameId: 'f1', bladeId: null, severity: 2 }),
      ticket('7', { siteId: 'ny2', frameId: null, bladeId: null, severity: 4 }),
    ];
    const [nj1, ny2] = buildFleet(sites, blades, tickets);
    expect(nj1!.name).toBe('Weehawken');
    expect(nj1!.frames.map((f) => f.frameId)).toEqual(['f1', 'f2']);
    const f1 = nj1!.frames[0]!;
    expect(f1.cells[0]!.worst).toBe(2);
    expect(f1.cells[0]!.tickets.map((t) => t.id)).toEqual(['2', '1']);
    expect(f1.cells[1]!.worst).toBeNull();
    expect(f1.cells[1]!.tickets).toHaveLength(2);
    expect(f1.frameTickets.map((t) => t.id)).toEqual(['6']);
    expect(f1.worst).toBe(2);
    expect(ny2!.siteId).toBe('ny2');
    expect(ny2!.siteTickets.map((t) => t.id)).toEqual(['7']);
  });
});
