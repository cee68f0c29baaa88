import { api, ApiError, onTokenRejected, setApiToken } from './api.js';
import { OPEN_STATES } from './clocks.js';
import { storeToken, storedToken, takeTokenFromAddress } from './session.js';
import { Store } from './store.js';
import { LiveStream, type ConnectionState } from './stream.js';
import { listedFromDetail, ticketIdOf } from './tickets.js';
import type {
  BladeView,
  ListedTicket,
  Me,
  SiteView,
  StreamMessage,
  TicketDetail,
  TicketSummary,
} from './types.js';

export interface Alert {
  id: string;
  at: string;
  text: string;
}

export interface DashboardState {
  token: string | null;
  me: Me | null;
  /** Why the login page is showing (logged out, token rejected). */
  loginMessage: string | null;
  tickets: Map<string, ListedTicket>;
  ticketsLoaded: boolean;
  loadError: string | null;
  blades: Map<string, BladeView>;
  sites: SiteView[];
  connection: ConnectionState;
  retryAt: number | null;
  alerts: Alert[];
  /** Details read for the tickets opened (and kept fresh while they change). */
  details: Map<string, TicketDetail>;
  /** Tickets changed in the last moments: the list marks them briefly. */
  fresh: Map<string, number>;
}

const PAGE = 500;
/** A full reload now and then, in case the stream was ever short of something. */
const RECONCILE_MS = 5 * 60_000;
const REFRESH_DEBOUNCE_MS = 150;
const FRESH_MS = 4000;

export const dashboard = new Store<DashboardState>({
  token: null,
  me: null,
  loginMessage: null,
  tickets: new Map(),
  ticketsLoaded: false,
  loadError: null,
  blades: new Map(),
  sites: [],
  connection: 'closed',
  retryAt: null,
  alerts: [],
  details: new Map(),
  fresh: new Map(),
});

let stream: LiveStream | undefined;
let reconcile: ReturnType<typeof setInterval> | undefined;
const pending = new Map<string, ReturnType<typeof setTimeout>>();
let bladesReload: ReturnType<typeof setTimeout> | undefined;

onTokenRejected(() =>
  logout('The collector no longer accepts this token (revoked or expired). Log in again.'),
);

/** Resumes a session kept in this tab, or opens one from a `#token=` link, if any. */
export async function resume(): Promise<void> {
  const token = takeTokenFromAddress() ?? storedToken();
  if (!token) return;
  try {
    await login(token);
  } catch (error) {
    logout(error instanceof ApiError && error.status === 0 ? error.message : null);
  }
}

/** Checks the token with `/api/me`; on success the dashboard loads and goes live. */
export async function login(token: string): Promise<Me> {
  const me = await api<Me>('/api/me', { token });
  setApiToken(token);
  storeToken(token);
  dashboard.set({ token, me, loginMessage: null });
  startLive(token);
  void loadAll();
  return me;
}

export function logout(message: string | null = null): void {
  stream?.stop();
  stream = undefined;
  clearInterval(reconcile);
  for (const timer of pending.values()) clearTimeout(timer);
  pending.clear();
  setApiToken(null);
  storeToken(null);
  dashboard.set({
    token: null,
    me: null,
    loginMessage: message,
    tickets: new Map(),
    ticketsLoaded: false,
    blades: new Map(),
    sites: [],
    details: new Map(),
    alerts: [],
    connection: 'closed',
  });
}

function startLive(token: string): void {
  stream?.stop();
  stream = new LiveStream({
    token,
    onMessage: applyMessage,
    onState: (connection, { retryAt }) => dashboard.set({ connection, retryAt }),
    onResync: () => void loadAll(),
    onRejected: () => logout('The live stream refused this token. Log in again.'),
  });
  stream.start();
  clearInterval(reconcile);
  reconcile = setInterval(() => void loadAll(), RECONCILE_MS);
}

/** Every not-closed ticket with its clocks, the blades and the sites. */
export async function loadAll(): Promise<void> {
  try {
    const [tickets, blades, sites] = await Promise.all([
      loadOpenTickets(),
      loadBlades(),
      loadSites(),
    ]);
    dashboard.set({
      tickets: new Map(tickets.map((t) => [t.id, t])),
      blades: new Map(blades.map((b) => [b.bladeId, b])),
      sites,
      ticketsLoaded: true,
      loadError: null,
    });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return;
    dashboard.set({ loadError: (error as Error).message, ticketsLoaded: true });
  }
}

async function loadOpenTickets(): Promise<ListedTicket[]> {
  const all: ListedTicket[] = [];
  let before: string | null = null;
  do {
    const query = new URLSearchParams({
      state: OPEN_STATES.join(','),
      clocks: 'true',
      limit: String(PAGE),
    });
    if (before) query.set('before', before);
    const page: { tickets: (TicketSummary & Partial<ListedTicket>)[]; next: string | null } =
      await api(`/api/tickets?${query}`);
    for (const t of page.tickets)
      all.push({ ...t, clocks: t.clocks ?? [], clocksCarriedBy: t.clocksCarriedBy ?? null });
    before = page.next;
  } while (before && all.length < 5000);
  return all;
}

async function loadBlades(): Promise<BladeView[]> {
  return (await api<{ blades: BladeView[] }>('/api/blades')).blades;
}

async function loadSites(): Promise<SiteView[]> {
  try {
    return (await api<{ sites: SiteView[] }>('/api/sites')).sites;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return [];
    throw error;
  }
}

/** Reads one ticket again (after a change) and puts it in the list and the detail cache. */
export async function refreshTicket(id: string): Promise<TicketDetail | null> {
  try {
    const detail = await api<TicketDetail>(`/api/tickets/${encodeURIComponent(id)}`);
    putDetail(detail);
    return detail;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export function putDetail(detail: TicketDetail): void {
  const listed = listedFromDetail(detail);
  dashboard.set((s) => {
    const tickets = new Map(s.tickets);
    tickets.set(listed.id, listed);
    const details = new Map(s.details);
    details.set(listed.id, detail);
    return { tickets, details };
  });
}

function scheduleRefresh(id: string): void {
  if (pending.has(id)) return;
  pending.set(
    id,
    setTimeout(() => {
      pending.delete(id);
      markFresh(id);
      refreshTicket(id).catch(() => undefined);
    }, REFRESH_DEBOUNCE_MS),
  );
}

function markFresh(id: string): void {
  const until = Date.now() + FRESH_MS;
  dashboard.set((s) => ({ fresh: new Map(s.fresh).set(id, until) }));
  setTimeout(() => {
    dashboard.set((s) => {
      if (s.fresh.get(id) !== until) return {};
      const fresh = new Map(s.fresh);
      fresh.delete(id);
      return { fresh };
    });
  }, FRESH_MS);
}

function scheduleBladesReload(): void {
  clearTimeout(bladesReload);
  bladesReload = setTimeout(() => {
    Promise.all([loadBlades(), loadSites()])
      .then(([blades, sites]) =>
        dashboard.set({ blades: new Map(blades.map((b) => [b.bladeId, b])), sites }),
      )
      .catch(() => undefined);
  }, 300);
}

/** One message of the stream into the state. */
export function applyMessage(message: StreamMessage): void {
  const data = message.data ?? {};
  switch (message.type) {
    case 'ticket.event': {
      const id = ticketIdOf(data);
      if (id) scheduleRefresh(id);
      return;
    }
    case 'blade.state': {
      const bladeId = typeof data.bladeId === 'string' ? data.bladeId : null;
      const state = data.state as BladeView['state'] | undefined;
      if (!bladeId) return;
      const known = dashboard.get().blades.get(bladeId);
      if (!known || !state) {
        scheduleBladesReload();
        return;
      }
      const blades = new Map(dashboard.get().blades);
      blades.set(bladeId, {
        ...known,
        state,
        stateSince: typeof data.at === 'string' ? data.at : message.at,
        lastSeenAt: state === 'online' ? (message.at ?? known.lastSeenAt) : known.lastSeenAt,
      });
      dashboard.set({ blades });
      return;
    }
    case 'alert': {
      const text =
        typeof data.message === 'string'
          ? data.message
          : typeof data.summary === 'string'
            ? data.summary
            : typeof data.text === 'string'
              ? data.text
              : JSON.stringify(data);
      dashboard.set((s) => ({
        alerts: [{ id: message.id, at: message.at, text }, ...s.alerts].slice(0, 20),
      }));
      return;
    }
    default:
      return;
  }
}

export function dismissAlert(id: string): void {
  dashboard.set((s) => ({ alerts: s.alerts.filter((a) => a.id !== id) }));
}
