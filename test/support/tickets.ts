import { ManualClock } from '../../shared/clock.js';
import type { Contract } from '../../shared/config/contract.js';
import { loadContract } from '../../collector/sla/load-contract.js';
import type { Store } from '../../collector/store/open-store.js';
import type { TicketSettingsInput } from '../../collector/tickets/settings.js';
import { TicketService, type ObservationInput } from '../../collector/tickets/ticket-service.js';
import type { UserActor } from '../../collector/tickets/transitions.js';
import type { StoreTarget } from './stores.js';

/** The example contract (deploy/contract.example.yaml): sites nj1 and ny2. */
export const contract: Contract = loadContract();

export const engineer: UserActor = { kind: 'user', id: 'eng-ana', role: 'engineer' };
export const customer: UserActor = { kind: 'user', id: 'cust-dana', role: 'customer' };
export const operations: UserActor = { kind: 'user', id: 'ops-lee', role: 'operations' };
export const admin: UserActor = { kind: 'user', id: 'admin-kim', role: 'admin' };

/** An observation as ingest hands it over; times default to the clock's now. */
export function observation(
  clock: ManualClock,
  overrides: Partial<ObservationInput> = {},
): ObservationInput {
  const now = clock.now().toISOString();
  return {
    source: 'call-home',
    signal: 'memory.ecc.uncorrectable',
    status: 'active',
    component: { kind: 'dimm', id: 'mc0/csrow1/ch0', location: 'CPU0_DIMM_A1' },
    evidence: { count: 1, previous: 0, delta: 1 },
    summary: 'Uncorrectable ECC error on CPU0_DIMM_A1',
    siteId: 'nj1',
    frameId: 'f1',
    bladeId: 'b01',
    environment: 'production',
    observedAt: now,
    receivedAt: now,
    ...overrides,
  };
}

export interface TicketHarness {
  store: Store;
  clock: ManualClock;
  service: TicketService;
  close(): Promise<void>;
}

/** A fresh store (of the target), a manual clock at a business-hours Monday, and the service. */
export async function ticketHarness(
  target: StoreTarget,
  options: { start?: string; settings?: TicketSettingsInput } = {},
): Promise<TicketHarness> {
  const store = await target.open();
  // Monday 5 January 2026, 09:00 in New York.
  const clock = new ManualClock(options.start ?? '2026-01-05T14:00:00Z');
  const service = new TicketService({
    db: store.db,
    clock,
    contract,
    ...(options.settings ? { settings: options.settings } : {}),
  });
  return { store, clock, service, close: () => store.close() };
}

/**
 * Every ticket's row as its folded log says it should be: the projection columns the hot paths
 * update in place (repeats, clearing, a storm's parent gaining children) must never drift from
 * what a refold would write. Returns a readable line per ticket.
 */
export async function rowsAndLogs(h: TicketHarness): Promise<{ row: string; log: string }[]> {
  const rows = await h.store.db.selectFrom('tickets').selectAll().orderBy('id').execute();
  const out: { row: string; log: string }[] = [];
  for (const row of rows) {
    const { view } = (await h.service.get(String(row.id)))!;
    const released = view.state === 'fixed' || view.state === 'closed';
    out.push({
      row: JSON.stringify([
        row.state,
        Number(row.severity),
        Number(row.service_severity),
        row.domain,
        row.parent_id === null ? null : String(row.parent_id),
        Number(row.occurrences),
        row.last_seen_at,
        row.cleared_at,
        row.fixed_at,
        row.closed_at,
        Number(row.last_seq),
        row.active_fingerprint === null,
      ]),
      log: JSON.stringify([
        view.state,
        view.severity,
        view.serviceSeverity,
        view.domain,
        view.parentId,
        view.occurrences,
        view.lastSeenAt,
        view.clearedAt,
        view.fixedAt,
        view.closedAt,
        view.lastEventSeq,
        released,
      ]),
    });
  }
  return out;
}

/** When the clock engine is next to look at a ticket (`clock_due_at`; null: never). */
export async function clockDueAt(h: TicketHarness, id: string): Promise<string | null> {
  const row = await h.store.db
    .selectFrom('tickets')
    .select('clock_due_at')
    .where('id', '=', Number(id))
    .executeTakeFirstOrThrow();
  return row.clock_due_at;
}
