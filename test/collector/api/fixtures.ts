import type { TicketState } from '../../../collector/domain/ticket-events.js';
import type { ApiHarness } from '../../support/api.js';
import { engineer, observation } from '../../support/tickets.js';

let blades = 0;

/**
 * A fresh hardware ticket (severity 2, uncorrectable ECC) on a blade of its own, walked by the
 * service to `state`; a software ticket when `domain` says so.
 */
export async function ticketIn(
  h: ApiHarness,
  state: TicketState,
  domain: 'hardware' | 'software' = 'hardware',
): Promise<string> {
  const bladeId = `b${++blades}`;
  const { ticketId } = await h.tickets.recordObservation(observation(h.clock, { bladeId }));
  const id = ticketId!;
  const steps: (() => Promise<unknown>)[] = [
    () => h.tickets.respond(id, engineer),
    () => h.tickets.arriveOnSite(id, engineer),
    () =>
      h.tickets.diagnose(
        id,
        engineer,
        domain === 'software'
          ? { domain: 'software', softwareClass: 'reproducible-error' }
          : { domain: 'hardware' },
      ),
    () => h.tickets.dispatchReplacement(id, engineer, { serial: 'SN-R1' }),
    () => h.tickets.markFixed(id, engineer, { resolution: 'Blade replaced' }),
    () => h.tickets.close(id, engineer, { consent: consent(h) }),
  ];
  const order: TicketState[] = [
    'open',
    'responded',
    'on-site',
    'diagnosed',
    'replacement-dispatched',
    'fixed',
    'closed',
  ];
  for (const step of steps.slice(0, order.indexOf(state))) {
    h.clock.advance(60_000);
    await step();
  }
  h.clock.advance(60_000);
  return id;
}

export function consent(h: ApiHarness) {
  return {
    by: 'Dana Whitfield',
    at: h.clock.now().toISOString(),
    text: 'We confirm the blade works again; please close the call.',
  };
}

/** The number of events in a ticket's log (a refused request must leave it as it was). */
export async function eventCount(h: ApiHarness, id: string): Promise<number> {
  return (await h.tickets.get(id))?.events.length ?? 0;
}

export async function ticketCount(h: ApiHarness): Promise<number> {
  const row = await h.store.db
    .selectFrom('tickets')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

let deliveries = 0;

/** A webhook delivery that failed for good (HTTP 410), as the delivery log shows it. */
export async function failedDelivery(h: ApiHarness): Promise<string> {
  const now = h.clock.now().toISOString();
  const row = await h.store.db
    .insertInto('notify_deliveries')
    .values({
      channel: 'webhook',
      target: 'ops',
      event_key: `test:${++deliveries}`,
      ticket_event_id: null,
      ticket_id: null,
      event_type: 'opened',
      severity: 2,
      subject: 'opened · a test delivery',
      payload: '{}',
      status: 'failed',
      attempts: 1,
      next_attempt_at: now,
      last_error: 'HTTP 410 Gone',
      last_code: 410,
      leased_until: null,
      leased_by: null,
      created_at: now,
      updated_at: now,
      delivered_at: null,
      retried_by: null,
      retried_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return String(row.id);
}

export async function deliveryStatus(h: ApiHarness, id: string): Promise<string> {
  const row = await h.store.db
    .selectFrom('notify_deliveries')
    .select('status')
    .where('id', '=', Number(id))
    .executeTakeFirstOrThrow();
  return row.status;
}
