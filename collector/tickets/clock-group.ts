import type { AnyTicketEvent } from '../domain/ticket-events.js';
import { evaluateClocks, type ClockContext, type PendingClockEvent } from '../sla/clocks.js';
import {
  appendEvents,
  getTicketRows,
  loadEventsOf,
  SYSTEM_ACTOR,
  ticketIdOf,
  type Db,
  type NewEvent,
} from './ticket-store.js';

/** The at-most-once identity of a clock event: ticket + kind + clock and iteration, or role. */
export function clockEventKey(ticketId: string, event: PendingClockEvent): string {
  return event.type === 'escalated'
    ? `${ticketId}|escalated|${event.data.role}`
    : `${ticketId}|${event.type}|${event.data.clock}#${event.data.iteration}`;
}

/**
 * Records what is due on a group of tickets in the caller's transaction `tx`, and stores each
 * one's next deadline; returns the events appended, ticket by ticket. The rows are locked for
 * the whole group, skipping those another collector holds (it is handling them); the logs come
 * in one query. A ticket no longer due (its time moved on since it was selected) is left alone.
 */
export async function recordDueClocks(
  tx: Db,
  ids: readonly string[],
  ctx: ClockContext,
): Promise<AnyTicketEvent[]> {
  const now = ctx.now.toISOString();
  // In the caller's order (earliest due first), which is the order their events are published in.
  const order = new Map(ids.map((id, i) => [id, i]));
  const rows = (await getTicketRows(tx, ids, { lock: 'skip' }))
    .filter((row) => row.clock_due_at !== null && row.clock_due_at <= now)
    .sort((a, b) => order.get(String(a.id))! - order.get(String(b.id))!);
  if (rows.length === 0) return [];
  const logs = await loadEventsOf(tx, rows.map(ticketIdOf));
  const appended: AnyTicketEvent[] = [];
  // One update per distinct next due time (storm children and finished tickets all share null).
  const dueAt = new Map<string | null, number[]>();
  const schedule = (id: number, at: string | null) => {
    const same = dueAt.get(at);
    if (same) same.push(id);
    else dueAt.set(at, [id]);
  };
  for (const row of rows) {
    const id = ticketIdOf(row);
    const events = logs.get(id) ?? [];
    if (events.length === 0 || row.parent_id !== null) {
      // A storm's child: its parent carries the clocks.
      schedule(Number(row.id), null);
      continue;
    }
    // Everything appended below is due by now, so the next deadline is the same after it.
    const { pending, next } = evaluateClocks(events, ctx);
    const drafts: NewEvent[] = pending.map(
      (event) =>
        ({
          ...event,
          actor: SYSTEM_ACTOR,
          at: now,
          dedupeKey: clockEventKey(id, event),
        }) as NewEvent,
    );
    if (drafts.length > 0) appended.push(...(await appendEvents(tx, row, drafts, events)));
    schedule(Number(row.id), next?.toISOString() ?? null);
  }
  for (const [at, same] of dueAt) {
    await tx.updateTable('tickets').set({ clock_due_at: at }).where('id', 'in', same).execute();
  }
  return appended;
}
