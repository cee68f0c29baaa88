import { formatWhen } from '../lib/format.js';
import type { ConnectionState } from '../lib/stream.js';
import type { Me } from '../lib/types.js';

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  closed: 'Not connected',
};

const ROLE_TEXT: Record<string, string> = {
  operations: 'Operations',
  engineer: 'Support engineer',
  customer: 'Customer',
  admin: 'Administrator',
};

export function Header({
  me,
  connection,
  retryAt,
  summary,
  now,
  canPlaceCall,
  onPlaceCall,
  onHelp,
  onLogout,
}: {
  me: Me;
  connection: ConnectionState;
  retryAt: number | null;
  summary: { open: number; breached: number; warning: number; down: number };
  now: number;
  canPlaceCall: boolean;
  onPlaceCall(): void;
  onHelp(): void;
  onLogout(): void;
}) {
  const retryIn = retryAt && retryAt > now ? Math.ceil((retryAt - now) / 1000) : null;
  return (
    <header class="topbar">
      <p class="brand">
        <span class="brand-mark" aria-hidden="true" />
        Bladeframe <span class="muted">operations</span>
      </p>
      <ul class="summary" aria-label="At a glance">
        <li class={summary.breached > 0 ? 'sum-breached' : 'sum-zero'}>
          <strong>{summary.breached}</strong> breached
        </li>
        <li class={summary.warning > 0 ? 'sum-warning' : 'sum-zero'}>
          <strong>{summary.warning}</strong> warning
        </li>
        <li>
          <strong>{summary.open}</strong> open
        </li>
        <li class={summary.down > 0 ? 'sum-down' : 'sum-zero'}>
          <strong>{summary.down}</strong> blades down
        </li>
      </ul>
      <p
        class={`connection conn-${connection}`}
        role="status"
        aria-live="polite"
        title={`Live stream: ${CONNECTION_TEXT[connection]}`}
      >
        <span class="dot" aria-hidden="true" />
        <span class="visually-hidden">Live stream: </span>
        {CONNECTION_TEXT[connection]}
        {retryIn !== null && connection !== 'live' && (
          <span class="muted"> · retry in {retryIn}s</span>
        )}
      </p>
      <p class="clock-now muted" aria-hidden="true">
        {formatWhen(new Date(now).toISOString(), now)}
      </p>
      <div class="user">
        <span class="user-name">{me.name}</span>
        <span class={`role role-${me.role}`}>{ROLE_TEXT[me.role] ?? me.role}</span>
      </div>
      <nav class="top-actions" aria-label="Account and help">
        {canPlaceCall && (
          <button type="button" class="primary" onClick={onPlaceCall} aria-keyshortcuts="n">
            Place a call
          </button>
        )}
        <button type="button" onClick={onHelp} aria-keyshortcuts="?" title="Keyboard shortcuts (?)">
          Help
        </button>
        <button type="button" onClick={onLogout}>
          Log out
        </button>
      </nav>
    </header>
  );
}
