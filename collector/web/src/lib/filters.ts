import type { ListedTicket, Severity, TicketState, Domain } from './types.js';
import { ticketLevel } from './clocks.js';

/** The ticket list's filters; empty means all. */
export interface Filters {
  site: string;
  severity: '' | `${Severity}`;
  state: '' | TicketState;
  domain: '' | Domain;
  /** Only tickets with a clock breached (now or before). */
  breached: boolean;
  /** Only the tickets of one blade (chosen on the fleet grid). */
  blade: string;
  text: string;
}

export const NO_FILTERS: Filters = {
  site: '',
  severity: '',
  state: '',
  domain: '',
  breached: false,
  blade: '',
  text: '',
};

export function applyFilters(
  tickets: Iterable<ListedTicket>,
  f: Filters,
  now: number,
): ListedTicket[] {
  const text = f.text.trim().toLowerCase();
  const out: ListedTicket[] = [];
  for (const t of tickets) {
    if (f.state ? t.state !== f.state : t.state === 'closed') continue;
    if (f.site && t.siteId !== f.site) continue;
    if (f.severity && t.severity !== Number(f.severity)) continue;
    if (f.domain && t.domain !== f.domain) continue;
    if (f.blade && t.bladeId !== f.blade) continue;
    if (f.breached && !(t.breached || ticketLevel(t, now) === 'breached')) continue;
    if (text) {
      const hay =
        `${t.id} ${t.summary} ${t.signal} ${t.siteId} ${t.frameId ?? ''} ${t.bladeId ?? ''} ${t.ruleId}`.toLowerCase();
      if (!hay.includes(text)) continue;
    }
    out.push(t);
  }
  return out;
}

export function activeFilterCount(f: Filters): number {
  return (
    Number(!!f.site) +
    Number(!!f.severity) +
    Number(!!f.state) +
    Number(!!f.domain) +
    Number(f.breached) +
    Number(!!f.blade) +
    Number(!!f.text.trim())
  );
}
