import { useEffect, useMemo, useState } from 'preact/hooks';
import { ticketLevel } from './lib/clocks.js';
import {
  dashboard,
  dismissAlert,
  loadAll,
  logout,
  resume,
  type DashboardState,
} from './lib/dashboard.js';
import { NO_FILTERS, type Filters } from './lib/filters.js';
import { useNow } from './lib/now.js';
import { navigate, ticketHref, useRoute } from './lib/router.js';
import { useStore } from './lib/store.js';
import { FleetPanel } from './components/FleetPanel.js';
import { Header } from './components/Header.js';
import { HelpDialog } from './components/HelpDialog.js';
import { Login } from './components/Login.js';
import { PlaceCallDialog } from './components/PlaceCallDialog.js';
import { SlrPanel } from './components/SlrPanel.js';
import { TicketDetailPanel } from './components/TicketDetail.js';
import { TicketList, useVisibleTickets } from './components/TicketList.js';

export function App() {
  const me = useStore(dashboard, (s) => s.me);
  const loginMessage = useStore(dashboard, (s) => s.loginMessage);
  const [resuming, setResuming] = useState(true);
  useEffect(() => {
    void resume().finally(() => setResuming(false));
  }, []);
  if (resuming) return <p class="notice boot">Connecting to the collector…</p>;
  return me ? <Dashboard /> : <Login message={loginMessage} />;
}

const TYPING = /^(INPUT|TEXTAREA|SELECT)$/;

function Dashboard() {
  const state = useStore(dashboard, (s: DashboardState) => s);
  const me = state.me!;
  const now = useNow();
  const route = useRoute();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [dialog, setDialog] = useState<'help' | 'call' | null>(null);
  const [slrVersion, setSlrVersion] = useState(0);
  const visible = useVisibleTickets(state.tickets, filters, now);
  const canPlaceCall = me.actions
    ? me.actions.includes('open-call')
    : me.permissions.includes('customer');

  const summary = useMemo(() => {
    let open = 0;
    let breached = 0;
    let warning = 0;
    for (const t of state.tickets.values()) {
      if (t.state === 'closed') continue;
      open++;
      const level = ticketLevel(t, now);
      if (level === 'breached') breached++;
      else if (level === 'warning') warning++;
    }
    let down = 0;
    for (const b of state.blades.values())
      if (b.state === 'offline' || b.state === 'silent') down++;
    return { open, breached, warning, down };
  }, [state.tickets, state.blades, now]);

  const sites = useMemo(() => {
    const ids = new Set(state.sites.map((s) => s.siteId));
    for (const t of state.tickets.values()) ids.add(t.siteId);
    return [...ids].sort();
  }, [state.sites, state.tickets]);

  useEffect(() => {
    document.title = `${summary.breached > 0 ? `(${summary.breached} breached) ` : ''}Bladeframe operations`;
  }, [summary.breached]);

  // Global shortcuts; ignored while typing and while a dialog is open (it handles its own keys).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement;
      if (dialog) return;
      if (event.key === 'Escape') {
        if (TYPING.test(target.tagName) && target.id === 'ticket-search' && filters.text) {
          setFilters({ ...filters, text: '' });
          return;
        }
        if (route.ticketId) {
          const id = route.ticketId;
          navigate('#/');
          requestAnimationFrame(() =>
            document.querySelector<HTMLElement>(`tr[data-ticket="${id}"] a`)?.focus(),
          );
        } else if (filters.blade) {
          setFilters({ ...filters, blade: '' });
        }
        return;
      }
      if (TYPING.test(target.tagName) || target.isContentEditable) return;
      const open = (offset: number) => {
        if (visible.length === 0) return;
        const index = visible.findIndex((t) => t.id === route.ticketId);
        const next =
          index === -1
            ? offset > 0
              ? 0
              : visible.length - 1
            : Math.min(visible.length - 1, Math.max(0, index + offset));
        const id = visible[next]!.id;
        navigate(ticketHref(id));
        document.querySelector(`tr[data-ticket="${id}"]`)?.scrollIntoView({ block: 'nearest' });
      };
      const focus = (selector: string) => {
        const element = document.querySelector<HTMLElement>(selector);
        element?.focus();
        return element;
      };
      const keys: Record<string, () => void> = {
        '?': () => setDialog('help'),
        '/': () => focus('#ticket-search'),
        j: () => open(1),
        k: () => open(-1),
        t: () => void (focus('#tickets a.ticket-link') ?? focus('#ticket-search')),
        f: () => {
          if (route.ticketId) navigate('#/');
          requestAnimationFrame(() => focus('#fleet [role=gridcell][tabindex="0"]'));
        },
        s: () => {
          if (route.ticketId) navigate('#/');
          requestAnimationFrame(() => focus('#slr'));
        },
        n: () => canPlaceCall && setDialog('call'),
        r: () => {
          void loadAll();
          setSlrVersion((v) => v + 1);
        },
      };
      const action = keys[event.key];
      if (action) {
        event.preventDefault();
        action();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [dialog, route.ticketId, filters, visible, canPlaceCall]);

  return (
    <div class="shell">
      <a
        class="skip-link"
        href="#tickets-heading"
        onClick={(e) => {
          e.preventDefault();
          document.querySelector<HTMLElement>('#tickets a.ticket-link, #ticket-search')?.focus();
        }}
      >
        Skip to tickets
      </a>
      <Header
        me={me}
        connection={state.connection}
        retryAt={state.retryAt}
        summary={summary}
        now={now}
        canPlaceCall={canPlaceCall}
        onPlaceCall={() => setDialog('call')}
        onHelp={() => setDialog('help')}
        onLogout={() => {
          navigate('#/');
          logout('You logged out.');
        }}
      />
      {state.alerts.length > 0 && (
        <ul class="alerts" aria-label="Alerts" aria-live="polite">
          {state.alerts.slice(0, 3).map((a) => (
            <li key={a.id}>
              <span>{a.text}</span>
              <button
                type="button"
                class="icon-button"
                aria-label="Dismiss alert"
                onClick={() => dismissAlert(a.id)}
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
      <main class="board">
        <TicketList
          tickets={state.tickets}
          visible={visible}
          filters={filters}
          onFilters={setFilters}
          sites={sites}
          selectedId={route.ticketId}
          fresh={state.fresh}
          now={now}
          loaded={state.ticketsLoaded}
          error={state.loadError}
        />
        <div class="side">
          {route.ticketId ? (
            <TicketDetailPanel
              id={route.ticketId}
              detail={state.details.get(route.ticketId)}
              me={me}
              now={now}
              onClose={() => navigate('#/')}
            />
          ) : (
            <>
              <FleetPanel
                sites={state.sites}
                blades={state.blades}
                tickets={state.tickets}
                now={now}
                onChooseBlade={(blade, tickets) => {
                  setFilters({ ...NO_FILTERS, blade: blade.bladeId });
                  const open = tickets.filter((t) => t.state !== 'closed');
                  if (open.length === 1) navigate(ticketHref(open[0]!.id));
                }}
              />
              <SlrPanel version={slrVersion} />
            </>
          )}
        </div>
      </main>
      {dialog === 'help' && <HelpDialog onClose={() => setDialog(null)} />}
      {dialog === 'call' && (
        <PlaceCallDialog
          sites={state.sites}
          blades={state.blades}
          defaultContact={me.name}
          onClose={() => setDialog(null)}
        />
      )}
    </div>
  );
}
