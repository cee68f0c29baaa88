import type { Role } from '../../collector/domain/ticket-events.js';
import type { DashboardHarness } from './dashboard.js';

const MIN = 60_000;

/** The sites of the populated board: two data centers, five frames. */
export const SCENARIO_SITES = [
  { id: 'nj1', name: 'Weehawken primary data center' },
  { id: 'ny2', name: 'Lower Manhattan secondary data center' },
];

const FRAMES: [site: string, frame: string, blades: number][] = [
  ['nj1', 'f1', 24],
  ['nj1', 'f2', 24],
  ['nj1', 'f3', 24],
  ['ny2', 'f1', 24],
  ['ny2', 'f2', 18],
];

const pad = (n: number) => String(n).padStart(2, '0');

/** Calls the collector's API as a role, as the dashboard does; fails loudly on a refusal. */
export async function act(
  h: DashboardHarness,
  role: Role,
  path: string,
  body: unknown = {},
): Promise<{ ticket?: { id: string } }> {
  const response = await fetch(`${h.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.tokens[role]}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${path} as ${role}: ${response.status} ${text}`);
  return JSON.parse(text) as { ticket?: { id: string } };
}

/**
 * A realistic morning at two sites: 114 blades calling in, faults of every severity observed
 * minutes to hours ago (so their clocks stand at every point: running, warning, breached, met),
 * tickets worked to every state by an engineer, a feature request from the customer, and blades
 * that went offline, silent and stopped.
 */
export async function populate(h: DashboardHarness): Promise<Record<string, string>> {
  for (const [site, frame, count] of FRAMES) {
    for (let i = 1; i <= count; i++) await h.bringUp(site, frame, `${site}-${frame}-b${pad(i)}`);
  }
  const b = (site: string, frame: string, slot: number) =>
    h.blade(site, frame, `${site}-${frame}-b${pad(slot)}`);
  const ids: Record<string, string> = {};
  const open = async (
    name: string,
    blade: ReturnType<typeof b>,
    signal: Parameters<DashboardHarness['fault']>[1],
    options: Parameters<DashboardHarness['fault']>[2],
  ) => {
    await h.fault(blade, signal, options);
    ids[name] = await h.ticketFor(blade.address.blade, signal);
  };

  await open('panic', b('nj1', 'f2', 11), 'kernel.panic', {
    agoMs: 125 * MIN,
    component: { kind: 'kernel', id: 'panic', location: null },
    evidence: { machineCheck: true, taint: 'M', bank: 4 },
    summary: 'Kernel panic on a machine check (bank 4)',
  });
  await open('ecc', b('nj1', 'f1', 7), 'memory.ecc.uncorrectable', {
    agoMs: 200 * MIN,
    component: { kind: 'dimm', id: 'mc0/csrow1/ch0', location: 'CPU0_DIMM_A1' },
    evidence: { ueCount: 2, delta: 1 },
    summary: 'Uncorrectable ECC error on CPU0_DIMM_A1',
  });
  await open('disk', b('ny2', 'f1', 3), 'disk.smart.failing', {
    agoMs: 70 * MIN,
    component: { kind: 'disk', id: 'sda', location: 'Bay 0' },
    evidence: { smartStatus: 'FAILING', reallocated: 412 },
    summary: 'Disk sda reports SMART failure',
  });
  await open('fan', b('nj1', 'f3', 19), 'fan.failed', {
    agoMs: 300 * MIN,
    component: { kind: 'fan', id: 'fan3', location: 'Rear fan 3' },
    evidence: { rpm: 0, minimumRpm: 1800 },
    summary: 'Rear fan 3 stopped (0 rpm)',
  });
  await open('oom', b('ny2', 'f2', 8), 'kernel.oom_kill', {
    agoMs: 48 * MIN,
    component: { kind: 'kernel', id: 'oom', location: null },
    evidence: { delta: 3, total: 3 },
    summary: 'OOM killer ended 3 processes (java)',
  });
  await open('thermal', b('nj1', 'f1', 15), 'thermal.warning', {
    agoMs: 20 * MIN,
    component: { kind: 'sensor', id: 'CPU1 Temp', location: 'CPU1' },
    evidence: { celsius: 88, threshold: 85 },
    summary: 'CPU1 at 88 °C, above 85 °C',
  });
  await open('fs', b('ny2', 'f1', 21), 'filesystem.full', {
    agoMs: 130 * MIN,
    component: { kind: 'filesystem', id: '/var', location: null },
    evidence: { usedPercent: 96, threshold: 90 },
    summary: '/var is 96% full',
  });
  await open('aer', b('nj1', 'f3', 2), 'pcie.aer.nonfatal', {
    agoMs: 150 * MIN,
    component: { kind: 'pcie', id: '0000:3b:00.0', location: 'Mezzanine HBA' },
    evidence: { delta: 4, total: 9 },
    summary: 'PCIe non-fatal errors on the mezzanine HBA',
  });

  // The engineer at work.
  await act(h, 'engineer', `/api/tickets/${ids.ecc}/respond`, {
    note: 'Engaged; dispatching a CE.',
  });
  await act(h, 'engineer', `/api/tickets/${ids.disk}/arrive`, { note: 'On site at NY2.' });
  await act(h, 'engineer', `/api/tickets/${ids.disk}/diagnose`, {
    domain: 'hardware',
    note: 'Disk failed; blade to be swapped.',
  });
  await act(h, 'engineer', `/api/tickets/${ids.fan}/arrive`, {});
  await act(h, 'engineer', `/api/tickets/${ids.fan}/diagnose`, { domain: 'hardware' });
  await act(h, 'engineer', `/api/tickets/${ids.fan}/dispatch`, {
    spareSetId: 'nj1-spares-a',
    serial: 'SN-7731',
  });
  await act(h, 'engineer', `/api/tickets/${ids.fan}/fix`, {
    resolution: 'Blade replaced from the NJ1 spare set; fan tray reseated.',
  });
  await act(h, 'engineer', `/api/tickets/${ids.aer}/respond`, {});
  await act(h, 'engineer', `/api/tickets/${ids.aer}/diagnose`, {
    domain: 'software',
    softwareClass: 'oem-error',
    note: 'HBA firmware 4.2 known issue.',
  });
  const request = await act(h, 'customer', '/api/tickets', {
    siteId: 'ny2',
    severity: 5,
    summary: 'Show spare-part stock per site on the dashboard',
    contact: 'Marcus Oyelaran',
  });
  ids.request = request.ticket!.id;

  // Blades that stopped talking: one lost (its will), one silent, one stopped on purpose.
  const lost = b('nj1', 'f2', 4);
  await h.publish(lost, 'state', lost.state('offline', 'will'));
  const stopped = b('nj1', 'f3', 1);
  await h.publish(stopped, 'state', stopped.state('offline', 'shutdown'));
  const silent = await h.bringUp('ny2', 'f1', 'ny2-f1-b12', 1);
  // A minute on: past the collector's grace after its start, so the silence is called.
  h.advance(65_000);
  ids.silentBlade = silent.address.blade;
  ids.lostBlade = lost.address.blade;
  ids.lost = await h.ticketFor(lost.address.blade, 'blade.offline');
  ids.silent = await h.ticketFor(silent.address.blade, 'blade.silent');
  return ids;
}
