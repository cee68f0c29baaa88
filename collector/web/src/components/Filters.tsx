import { activeFilterCount, NO_FILTERS, type Filters } from '../lib/filters.js';
import { SEVERITY_LABELS, STATE_LABELS } from '../lib/clocks.js';
import type { Severity, TicketState } from '../lib/types.js';

const STATES = Object.keys(STATE_LABELS) as TicketState[];

export function FilterBar({
  filters,
  sites,
  onChange,
}: {
  filters: Filters;
  sites: string[];
  onChange(next: Filters): void;
}) {
  const set = <K extends keyof Filters>(key: K, value: Filters[K]) =>
    onChange({ ...filters, [key]: value });
  const count = activeFilterCount(filters);
  return (
    <form
      class="filters"
      role="search"
      aria-label="Filter tickets"
      onSubmit={(e) => e.preventDefault()}
    >
      <input
        id="ticket-search"
        type="search"
        placeholder="Search  /"
        aria-label="Search tickets"
        value={filters.text}
        onInput={(e) => set('text', e.currentTarget.value)}
      />
      <label>
        <span class="visually-hidden">Site</span>
        <select
          aria-label="Site"
          value={filters.site}
          onChange={(e) => set('site', e.currentTarget.value)}
        >
          <option value="">Site: all</option>
          {sites.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span class="visually-hidden">Severity</span>
        <select
          aria-label="Severity"
          value={filters.severity}
          onChange={(e) => set('severity', e.currentTarget.value as Filters['severity'])}
        >
          <option value="">Severity: all</option>
          {([1, 2, 3, 4, 5] as Severity[]).map((s) => (
            <option key={s} value={String(s)}>
              S{s} {SEVERITY_LABELS[s]}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span class="visually-hidden">State</span>
        <select
          aria-label="State"
          value={filters.state}
          onChange={(e) => set('state', e.currentTarget.value as Filters['state'])}
        >
          <option value="">Not closed</option>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {STATE_LABELS[s]}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span class="visually-hidden">Domain</span>
        <select
          aria-label="Domain"
          value={filters.domain}
          onChange={(e) => set('domain', e.currentTarget.value as Filters['domain'])}
        >
          <option value="">Domain: all</option>
          <option value="hardware">Hardware</option>
          <option value="software">Software</option>
          <option value="undetermined">Undetermined</option>
        </select>
      </label>
      <label class="check">
        <input
          type="checkbox"
          checked={filters.breached}
          onChange={(e) => set('breached', e.currentTarget.checked)}
        />
        Breached
      </label>
      {filters.blade && (
        <button
          type="button"
          class="chip-button"
          onClick={() => set('blade', '')}
          aria-label={`Remove blade filter ${filters.blade}`}
        >
          blade {filters.blade} ✕
        </button>
      )}
      {count > 0 && (
        <button type="button" class="link-button" onClick={() => onChange(NO_FILTERS)}>
          Clear {count === 1 ? 'filter' : `${count} filters`}
        </button>
      )}
    </form>
  );
}
