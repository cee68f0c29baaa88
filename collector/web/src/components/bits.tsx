import type { ComponentChildren } from 'preact';
import { SEVERITY_LABELS, STATE_LABELS } from '../lib/clocks.js';
import type { Severity, TicketState } from '../lib/types.js';

export function SeverityBadge({
  severity,
  compact = false,
}: {
  severity: Severity;
  compact?: boolean;
}) {
  return (
    <span
      class={`sev sev-${severity}`}
      title={`Severity ${severity}: ${SEVERITY_LABELS[severity]}`}
      aria-label={`Severity ${severity}, ${SEVERITY_LABELS[severity]}`}
    >
      {compact ? severity : `S${severity}`}
    </span>
  );
}

export function StateChip({ state }: { state: TicketState }) {
  return <span class={`state state-${state}`}>{STATE_LABELS[state] ?? state}</span>;
}

export function Chip({
  children,
  tone = 'plain',
  title,
}: {
  children: ComponentChildren;
  tone?: string;
  title?: string;
}) {
  return (
    <span class={`chip chip-${tone}`} title={title}>
      {children}
    </span>
  );
}

/** Where a ticket is: `nj1 / f2 / b07`. */
export function place(t: {
  siteId: string;
  frameId: string | null;
  bladeId: string | null;
}): string {
  return [t.siteId, t.frameId, t.bladeId].filter(Boolean).join(' / ');
}

/** An error from the API, as the person who acted sees it: the message and each detail. */
export function ErrorBox({
  error,
  id,
}: {
  error: { message: string; details?: string[]; code?: string } | null;
  id?: string;
}) {
  if (!error) return null;
  return (
    <div class="error-box" role="alert" id={id}>
      <strong>{error.message}</strong>
      {error.details && error.details.length > 0 && (
        <ul>
          {error.details.map((d) => (
            <li key={d}>{d}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
