import type { ListedTicket, TicketDetail } from './types.js';

/** The list's row of a ticket, from its detail (after a change, the detail is what is read). */
export function listedFromDetail(detail: TicketDetail): ListedTicket {
  const t = detail.ticket;
  const opened = t.opened;
  return {
    id: t.id,
    state: t.state,
    severity: t.severity,
    serviceSeverity: t.serviceSeverity,
    domain: t.domain,
    signal: opened.signal,
    summary: opened.summary,
    ruleId: t.classification.ruleId,
    source: opened.source,
    siteId: opened.siteId,
    frameId: opened.frameId,
    bladeId: opened.bladeId,
    component: { kind: opened.component.kind, id: opened.component.id },
    environment: opened.environment,
    test: t.test,
    breached:
      detail.clocks.some((c) => c.state === 'breached') ||
      detail.events.some((e) => e.type === 'clock-breached'),
    occurrences: t.occurrences,
    parentId: t.parentId,
    openedAt: t.openedAt,
    detectedAt: opened.detectedAt,
    lastSeenAt: t.lastSeenAt,
    clearedAt: t.clearedAt,
    fixedAt: t.fixedAt,
    closedAt: t.closedAt,
    updatedAt: detail.events[detail.events.length - 1]?.at ?? t.openedAt,
    clocks: detail.clocks,
    clocksCarriedBy: detail.clocksCarriedBy,
  };
}

/** The ticket id a stream message is about, wherever the collector put it. */
export function ticketIdOf(data: Record<string, unknown>): string | null {
  const event = data.event as { ticketId?: unknown } | undefined;
  const ticket = data.ticket as { id?: unknown } | undefined;
  const id = event?.ticketId ?? data.ticketId ?? ticket?.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
}
