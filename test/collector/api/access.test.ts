import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role, type TicketState } from '../../../collector/domain/ticket-events.js';
import { IngestProcessor } from '../../../collector/ingest/ingest-processor.js';
import { exampleContractFile } from '../../../collector/sla/load-contract.js';
import { apiHarness, type ApiHarness } from '../../support/api.js';
import { bytes, FakeBlade } from '../../support/messages.js';
import { storeTargets } from '../../support/stores.js';
import {
  consent,
  deliveryStatus,
  eventCount,
  failedDelivery,
  ticketCount,
  ticketIn,
} from './fixtures.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One endpoint: how to call it successfully, and which roles may. */
interface Endpoint {
  method: Method;
  path: string;
  allowed: readonly Role[] | 'any';
  /** The ticket (in this state) the call acts on: `:id` in the path. */
  ticket?: TicketState;
  /** A failed notification delivery the call acts on: `:id` in the path. */
  delivery?: boolean;
  /** Anything else the call acts on (a user, a token): its id, for `:id` in the path. */
  prepare?: (h: ApiHarness) => Promise<string>;
  /** How the body is sent (default JSON). */
  contentType?: string;
  /** What a refused call must have left alone, checked after it. */
  unchanged?: (h: ApiHarness, id: string | undefined) => Promise<void>;
  body?: (h: ApiHarness) => unknown;
  status?: number;
}

const READERS = ROLES;
const ENGINEER: Role[] = ['engineer'];
const ADMIN: Role[] = ['admin'];
let serial = 0;

/** The API of API.md, endpoint by endpoint, with who may call it. */
export const ENDPOINTS: Endpoint[] = [
  { method: 'GET', path: '/api/me', allowed: 'any' },
  { method: 'GET', path: '/api/tickets', allowed: READERS },
  { method: 'GET', path: '/api/tickets/:id', allowed: READERS, ticket: 'open' },
  {
    method: 'POST',
    path: '/api/tickets',
    allowed: ['customer', 'engineer'],
    body: () => ({ siteId: 'nj1', severity: 5, summary: 'Please add a CSV export' }),
    status: 201,
  },
  { method: 'POST', path: '/api/tickets/:id/respond', allowed: ENGINEER, ticket: 'open' },
  { method: 'POST', path: '/api/tickets/:id/arrive', allowed: ENGINEER, ticket: 'responded' },
  {
    method: 'POST',
    path: '/api/tickets/:id/diagnose',
    allowed: ENGINEER,
    ticket: 'on-site',
    body: () => ({ domain: 'hardware', note: 'DIMM A1' }),
  },
  {
    method: 'POST',
    path: '/api/tickets/:id/dispatch',
    allowed: ENGINEER,
    ticket: 'diagnosed',
    body: () => ({ serial: 'SN-9' }),
  },
  {
    method: 'POST',
    path: '/api/tickets/:id/updates',
    allowed: ENGINEER,
    ticket: 'responded',
    body: () => ({ note: 'Still working on it' }),
  },
  {
    method: 'POST',
    path: '/api/tickets/:id/notes',
    allowed: ['engineer', 'customer'],
    ticket: 'open',
    body: () => ({ text: 'Seen twice overnight' }),
  },
  {
    method: 'POST',
    path: '/api/tickets/:id/fix',
    allowed: ENGINEER,
    ticket: 'replacement-dispatched',
    body: () => ({ resolution: 'Blade replaced' }),
  },
  {
    method: 'POST',
    path: '/api/tickets/:id/close',
    allowed: ['customer', 'engineer'],
    ticket: 'fixed',
    body: (h) => ({ consent: consent(h) }),
  },
  {
    method: 'POST',
    path: '/api/tickets/:id/severity',
    allowed: ['customer'],
    ticket: 'open',
    body: () => ({ to: 1, reason: 'Trading floor down' }),
  },
  { method: 'GET', path: '/api/blades', allowed: READERS },
  { method: 'GET', path: '/api/blades/a1', allowed: READERS },
  { method: 'GET', path: '/api/blades/a1/health', allowed: READERS },
  { method: 'GET', path: '/api/sites', allowed: READERS },
  { method: 'GET', path: '/api/frames', allowed: READERS },
  { method: 'GET', path: '/api/users', allowed: ADMIN },
  {
    method: 'POST',
    path: '/api/users',
    allowed: ADMIN,
    body: () => ({ name: `new-${++serial}`, role: 'engineer' }),
    status: 201,
    unchanged: async (h) => {
      expect((await h.auth.listUsers()).map((u) => u.name)).not.toContain(`new-${serial}`);
    },
  },
  {
    method: 'POST',
    path: '/api/users/:id/disable',
    allowed: ADMIN,
    prepare: async (h) =>
      (await h.auth.createUser({ name: `leaver-${++serial}`, role: 'customer' })).id,
    unchanged: async (h, id) => {
      expect((await h.auth.findUser(id!))!.disabledAt).toBeNull();
    },
  },
  {
    method: 'POST',
    path: '/api/users/:id/tokens',
    allowed: ADMIN,
    prepare: async (h) =>
      (await h.auth.createUser({ name: `holder-${++serial}`, role: 'customer' })).id,
    body: () => ({ label: 'laptop', expiresIn: '90d' }),
    status: 201,
    unchanged: async (h, id) => {
      expect(await h.auth.listTokens(id)).toEqual([]);
    },
  },
  { method: 'GET', path: '/api/tokens', allowed: ADMIN },
  {
    method: 'DELETE',
    path: '/api/tokens/:id',
    allowed: ADMIN,
    prepare: async (h) => {
      const user = await h.auth.createUser({ name: `revokee-${++serial}`, role: 'operations' });
      return (await h.auth.issueToken(user.id)).record.id;
    },
    status: 204,
    unchanged: async (h, id) => {
      const tokens = await h.auth.listTokens();
      expect(tokens.find((t) => t.id === id)!.revokedAt).toBeNull();
    },
  },
  { method: 'GET', path: '/api/contract', allowed: READERS },
  {
    method: 'PUT',
    path: '/api/contract',
    allowed: ADMIN,
    body: () => readFileSync(exampleContractFile(), 'utf8'),
    contentType: 'application/yaml',
    unchanged: async (h) => {
      // Only the admin (the user named admin) ever put one in force.
      expect([null, 'admin']).toContain(h.contract.describe().updatedBy);
    },
  },
  { method: 'GET', path: '/api/dead-letters', allowed: READERS },
  { method: 'GET', path: '/api/notifications/deliveries', allowed: READERS },
  { method: 'GET', path: '/api/notifications/deliveries/:id', allowed: READERS, delivery: true },
  {
    method: 'POST',
    path: '/api/notifications/deliveries/:id/retry',
    allowed: ['admin'],
    delivery: true,
  },
];

describe.each(storeTargets)('who may call what, on $name', (target) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await apiHarness(target);
    const blade = new FakeBlade({ site: 'nj1', frame: 'f1', blade: 'a1' }, undefined, () =>
      h.clock.now(),
    );
    await new IngestProcessor({
      db: h.store.db,
      tickets: h.tickets,
      fleet: { silentAfterIntervals: 3, defaultHeartbeatMs: 60_000 },
    }).process([
      { topic: blade.topic('birth'), payload: bytes(blade.birth()), receivedAt: h.clock.now() },
      { topic: blade.topic('health'), payload: bytes(blade.health()), receivedAt: h.clock.now() },
    ]);
  });
  afterAll(() => h.close());

  const cases = ENDPOINTS.flatMap((endpoint) =>
    [...ROLES, null].map((role) => ({ ...endpoint, role, label: role ?? 'no token' })),
  );

  it.each(cases)('$method $path as $label', async (c) => {
    const id = c.ticket
      ? await ticketIn(h, c.ticket)
      : c.delivery
        ? await failedDelivery(h)
        : await c.prepare?.(h);
    const before = id && c.ticket ? await eventCount(h, id) : 0;
    const tickets = await ticketCount(h);
    const response = await h.as(c.role, {
      method: c.method,
      url: id ? c.path.replace(':id', id) : c.path,
      ...(c.body ? { payload: c.body(h) as object } : {}),
      ...(c.contentType ? { headers: { 'content-type': c.contentType } } : {}),
    });
    const allowed = c.role !== null && (c.allowed === 'any' || c.allowed.includes(c.role));
    if (allowed) {
      expect(response.statusCode, response.body).toBe(c.status ?? 200);
      return;
    }
    expect(response.statusCode, response.body).toBe(c.role === null ? 401 : 403);
    expect(response.json()).toMatchObject({
      code: c.role === null ? 'BF_UNAUTHENTICATED' : 'BF_FORBIDDEN',
    });
    // A refused request changes nothing.
    if (id && c.ticket) expect(await eventCount(h, id)).toBe(before);
    if (id && c.delivery) expect(await deliveryStatus(h, id)).toBe('failed');
    await c.unchanged?.(h, id);
    expect(await ticketCount(h)).toBe(tickets);
  });

  it('refuses unknown, revoked and expired tokens and disabled users with 401', async () => {
    const user = await h.auth.createUser({ name: 'temp', role: 'operations' });
    const revoked = await h.auth.issueToken(user.id);
    await h.auth.revokeToken(revoked.record.id);
    const expiring = await h.auth.issueToken(user.id, {
      expiresAt: new Date(h.clock.now().getTime() + 1000),
    });
    h.clock.advance(2000);
    const other = await h.auth.createUser({ name: 'gone', role: 'engineer' });
    const disabled = await h.auth.issueToken(other.id);
    await h.auth.disableUser(other.id);
    for (const token of [
      `bft_${'x'.repeat(43)}`,
      'not-a-token',
      revoked.token,
      expiring.token,
      disabled.token,
    ]) {
      const response = await h.app.inject({
        url: '/api/tickets',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('BF_UNAUTHENTICATED');
    }
  });

  it('needs no token for /healthz, /metrics and the OpenAPI document only', async () => {
    expect((await h.as(null, { url: '/healthz' })).statusCode).toBe(200);
    expect((await h.as(null, { url: '/metrics' })).statusCode).toBe(200);
    expect((await h.as(null, { url: '/api/openapi.json' })).statusCode).toBe(200);
    const open = h.app.routeEntries.filter((r) => r.access === 'public').map((r) => r.url);
    expect(open.filter((url) => url.startsWith('/api/'))).toEqual(['/api/openapi.json']);
    expect((await h.as(null, { url: '/api/tickets' })).statusCode).toBe(401);
  });

  it('lists every guarded route in the table above', () => {
    const table = new Set(ENDPOINTS.map((e) => `${e.method} ${e.path.replace('/a1', '/:id')}`));
    const guarded = h.app.routeEntries
      .filter((r) => r.access !== 'public' && !r.doc?.websocket)
      .map((r) => `${r.method} ${r.url}`);
    expect(guarded.filter((r) => !table.has(r))).toEqual([]);
  });
});
