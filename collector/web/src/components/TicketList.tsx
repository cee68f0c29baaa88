import { useMemo } from 'preact/hooks';
import { compareByDue, nearestClock, ticketLevel } from '../lib/clocks.js';
import { formatAgo } from '../lib/format.js';
import { applyFilters, type Filters } from '../lib/filters.js';
import { ticketHref } from '../lib/router.js';
import type { ListedTicket } from '../lib/types.js';
import { CountdownBar } from './CountdownBar.js';
import { place, SeverityBadge, StateChip } from './bits.js';
import { FilterBar } from './Filters.js';

export function useVisibleTickets(
  tickets: Map<string, ListedTicket>,
  filters: Filters,
  now: number,
) {
  // Re-sorting each second is cheap for hundreds of rows, and the order is by due time anyway.
  return useMemo(
    () => applyFilters(tickets.values(), filters, now).sort(compareByDue),
    [tickets, filters, now],
  );
}

export function TicketList({
  tickets,
  visible,
  filters,
  onFilters,
  sites,
  selectedId,
  fresh,
  now,
  loaded,
  error,
}: {
  tickets: Map<string, ListedTicket>;
  visible: ListedTicket[];
  filters: Filters;
  onFilters(next: Filters): void;
  sites: string[];
  selectedId: string | null;
  fresh: Map<string, number>;
  now: number;
  loaded: boolean;
  error: string | null;
}) {
  let breached = 0;
  let warning = 0;
  for (const t of visible) {
    const level = ticketLevel(t, now);
    if (level === 'breached') breached++;
    else if (level === 'warning') warning++;
  }
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const links = [
      ...(event.currentTarget as HTMLElement).querySelectorAll<HTMLAnchorElement>('a.ticket-link'),
    ];
    const index = links.indexOf(document.activeElement as HTMLAnchorElement);
    if (index === -1) return;
    event.preventDefault();
    links[
      Math.min(links.length - 1, Math.max(0, index + (event.key === 'ArrowDown' ? 1 : -1)))
    ]?.focus();
  };
  return (
    <section class="panel tickets" aria-labelledby="tickets-heading" id="tickets">
      <header class="panel-head">
        <h2 id="tickets-heading">Tickets by next due clock</h2>
        <p class="counts" aria-live="polite">
          <span>{visible.length} shown</span>
          {breached > 0 && <span class="count-breached">{breached} breached</span>}
          {warning > 0 && <span class="count-warning">{warning} warning</span>}
          {visible.length !== tickets.size && <span class="muted">of {tickets.size}</span>}
        </p>
      </header>
      <FilterBar filters={filters} sites={sites} onChange={onFilters} />
      <div class="table-scroll" onKeyDown={onKeyDown}>
        {error && (
          <p class="notice notice-error" role="alert">
            Tickets could not be loaded: {error}
          </p>
        )}
        {!loaded ? (
          <p class="notice">Loading tickets…</p>
        ) : visible.length === 0 ? (
          <p class="notice empty">
            {tickets.size === 0
              ? 'No open tickets. Every blade is quiet.'
              : 'No ticket matches these filters.'}
          </p>
        ) : (
          <table class="ticket-table" aria-label="Open tickets, the nearest due first">
            <thead>
              <tr>
                <th scope="col" class="col-sev">
                  <abbr title="Severity">Sev</abbr>
                </th>
                <th scope="col">Ticket</th>
                <th scope="col" class="col-state">
                  State
                </th>
                <th scope="col" class="col-clock">
                  Next clock
                </th>
              </tr>
            </thead>
            <tbody>
              {visible.map((t) => (
                <TicketRow
                  key={t.id}
                  ticket={t}
                  now={now}
                  selected={t.id === selectedId}
                  fresh={fresh.has(t.id)}
                />
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}

function TicketRow({
  ticket: t,
  now,
  selected,
  fresh,
}: {
  ticket: ListedTicket;
  now: number;
  selected: boolean;
  fresh: boolean;
}) {
  const clock = nearestClock(t.clocks);
  const level = ticketLevel(t, now);
  const others = t.clocks.filter((c) => c.metAt === null).length - (clock ? 1 : 0);
  return (
    <tr
      class={`ticket-row row-${level}${selected ? ' selected' : ''}${fresh ? ' fresh' : ''}`}
      data-ticket={t.id}
      aria-selected={selected}
    >
      <td class="col-sev">
        <SeverityBadge severity={t.severity} />
      </td>
      <td class="col-ticket">
        <a class="ticket-link" href={ticketHref(t.id)} aria-current={selected ? 'true' : undefined}>
          <span class="ticket-id">#{t.id}</span> <span class="ticket-summary">{t.summary}</span>
        </a>
        <div class="ticket-meta">
          <span>{place(t)}</span>
          <span>{t.domain}</span>
          {t.occurrences > 1 && <span title="Occurrences">×{t.occurrences}</span>}
          {t.test && <span class="chip chip-test">test</span>}
          {t.environment === 'qa' && <span class="chip chip-qa">QA</span>}
          {t.parentId && <span title="Part of a storm ticket">child of #{t.parentId}</span>}
          <span title={`opened ${t.openedAt}`}>{formatAgo(t.openedAt, now)}</span>
        </div>
      </td>
      <td class="col-state">
        <StateChip state={t.state} />
      </td>
      <td class="col-clock">
        {clock ? (
          <CountdownBar clock={clock} now={now} others={others} />
        ) : t.clocksCarriedBy ? (
          <span class="muted">clocks on #{t.clocksCarriedBy}</span>
        ) : (
          <span class="muted">
            {t.state === 'fixed' ? 'awaiting consent to close' : 'no clock running'}
          </span>
        )}
      </td>
    </tr>
  );
}
