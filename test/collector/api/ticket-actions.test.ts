import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role, TicketState } from '../../../collector/domain/ticket-events.js';
import { apiHarness, type ApiHarness } from '../../support/api.js';
import { storeTargets } from '../../support/stores.js';
import { consent, eventCount, ticketCount, ticketIn } from './fixtures.js';

interface Refusal {
  name: string;
  role: Role;
  state: TicketState;
  domain?: 'hardware' | 'software';
  action: string;
  body?: (h: ApiHarness) => unknown;
  status: number;
  code: string;
  detail?: RegExp;
}

const future = (h: ApiHarness) => new Date(h.clock.now().getTime() + 3_600_000).toISOString();

/** Every illegal step, with the coded refusal it gets. */
const REFUSALS: Refusal[] = [
  {
    name: 'closing without consent',
    role: 'customer',
    state: 'fixed',
    action: 'close',
    body: () => ({}),
    status: 422,
    code: 'BF_CONSENT_REQUIRED',
    detail: /^consent: the customer's written consent/,
  },
  {
    name: 'closing with a consent that names nobody',
    role: 'customer',
    state: 'fixed',
    action: 'close',
    body: (h) => ({ consent: { ...consent(h), by: '  ' } }),
    status: 422,
    code: 'BF_CONSENT_REQUIRED',
    detail: /^consent\.by: /,
  },
  {
    name: 'closing with a consent dated in the future',
    role: 'customer',
    state: 'fixed',
    action: 'close',
    body: (h) => ({ consent: { ...consent(h), at: future(h) } }),
    status: 422,
    code: 'BF_CONSENT_REQUIRED',
    detail: /^consent\.at: must lie between/,
  },
  {
    name: 'closing a call not yet fixed',
    role: 'customer',
    state: 'diagnosed',
    action: 'close',
    body: (h) => ({ consent: consent(h) }),
    status: 409,
    code: 'BF_TICKET_TRANSITION',
    detail: /^state: diagnosed; close is allowed from fixed/,
  },
  {
    name: 'dispatching a replacement for a software diagnosis',
    role: 'engineer',
    state: 'diagnosed',
    domain: 'software',
    action: 'dispatch',
    body: () => ({ serial: 'SN-1' }),
    status: 409,
    code: 'BF_REPLACEMENT_SOFTWARE',
  },
  {
    name: 'dispatching a replacement before any diagnosis',
    role: 'engineer',
    state: 'on-site',
    action: 'dispatch',
    status: 409,
    code: 'BF_TICKET_TRANSITION',
  },
  {
    name: 'raising a severity downwards',
    role: 'customer',
    state: 'open',
    action: 'severity',
    body: () => ({ to: 3, reason: 'not so bad' }),
    status: 422,
    code: 'BF_SEVERITY_NOT_RAISED',
    detail: /^to: must be below 2/,
  },
  {
    name: 'raising a severity to the level it has',
    role: 'customer',
    state: 'open',
    action: 'severity',
    body: () => ({ to: 2, reason: 'same' }),
    status: 422,
    code: 'BF_SEVERITY_NOT_RAISED',
  },
  {
    name: 'raising the severity of a closed call',
    role: 'customer',
    state: 'closed',
    action: 'severity',
    body: () => ({ to: 1, reason: 'came back' }),
    status: 409,
    code: 'BF_TICKET_CLOSED',
  },
  {
    name: 'a customer responding as an engineer',
    role: 'customer',
    state: 'open',
    action: 'respond',
    status: 403,
    code: 'BF_FORBIDDEN',
  },
  {
    name: 'a customer marking a call fixed',
    role: 'customer',
    state: 'diagnosed',
    action: 'fix',
    body: () => ({ resolution: 'it works now' }),
    status: 403,
    code: 'BF_FORBIDDEN',
  },
  {
    name: 'operations diagnosing',
    role: 'operations',
    state: 'on-site',
    action: 'diagnose',
    body: () => ({ domain: 'hardware' }),
    status: 403,
    code: 'BF_FORBIDDEN',
  },
  {
    name: 'an engineer raising the severity',
    role: 'engineer',
    state: 'open',
    action: 'severity',
    body: () => ({ to: 1, reason: 'looks bad' }),
    status: 403,
    code: 'BF_FORBIDDEN',
  },
  {
    name: 'an admin closing a call',
    role: 'admin',
    state: 'fixed',
    action: 'close',
    body: (h) => ({ consent: consent(h) }),
    status: 403,
    code: 'BF_FORBIDDEN',
  },
  {
    name: 'responding twice',
    role: 'engineer',
    state: 'responded',
    action: 'respond',
    status: 409,
    code: 'BF_TICKET_TRANSITION',
  },
  {
    name: 'diagnosing before anyone responded',
    role: 'engineer',
    state: 'open',
    action: 'diagnose',
    body: () => ({ domain: 'hardware' }),
    status: 409,
    code: 'BF_TICKET_TRANSITION',
    detail: /respond or arrive on site first/,
  },
  {
    name: 'a software diagnosis without its class',
    role: 'engineer',
    state: 'on-site',
    action: 'diagnose',
    body: () => ({ domain: 'software' }),
    status: 422,
    code: 'BF_DIAGNOSIS_INVALID',
  },
  {
    name: 'a hardware diagnosis with a software class',
    role: 'engineer',
    state: 'on-site',
    action: 'diagnose',
    body: () => ({ domain: 'hardware', softwareClass: 'oem-error' }),
    status: 422,
    code: 'BF_DIAGNOSIS_INVALID',
  },
  {
    name: 'marking a call fixed before anyone responded',
    role: 'engineer',
    state: 'open',
    action: 'fix',
    body: () => ({ resolution: 'rebooted' }),
    status: 409,
    code: 'BF_TICKET_TRANSITION',
  },
  {
    name: 'fixing a closed call',
    role: 'engineer',
    state: 'closed',
    action: 'fix',
    body: () => ({ resolution: 'again' }),
    status: 409,
    code: 'BF_TICKET_CLOSED',
  },
  {
    name: 'arriving on site at a fixed call',
    role: 'engineer',
    state: 'fixed',
    action: 'arrive',
    status: 409,
    code: 'BF_TICKET_TRANSITION',
  },
  {
    name: 'closing a closed call',
    role: 'customer',
    state: 'closed',
    action: 'close',
    body: (h) => ({ consent: consent(h) }),
    status: 409,
    code: 'BF_TICKET_CLOSED',
  },
  {
    name: 'dispatching from a spare set the site does not have',
    role: 'engineer',
    state: 'diagnosed',
    action: 'dispatch',
    body: () => ({ spareSetId: 'nowhere' }),
    status: 400,
    code: 'BF_BAD_REQUEST',
    detail: /^spareSetId: one of/,
  },
];

interface Malformed {
  name: string;
  action: string;
  payload: string | object;
  contentType?: string;
  detail: RegExp;
}

/** Bodies that fail validation: each a 400 naming the field. */
const MALFORMED: Malformed[] = [
  {
    name: 'unparsable JSON',
    action: 'notes',
    payload: '{"text": "half',
    contentType: 'application/json',
    detail: /^body: /,
  },
  { name: 'a list for a body', action: 'notes', payload: ['text'], detail: /^body: / },
  { name: 'a missing field', action: 'notes', payload: {}, detail: /^body\.text: / },
  { name: 'an empty text', action: 'notes', payload: { text: '   ' }, detail: /^body\.text: / },
  {
    name: 'a text too long',
    action: 'fix',
    payload: { resolution: 'x'.repeat(5000) },
    detail: /^body\.resolution: /,
  },
  {
    name: 'a misspelt field',
    action: 'respond',
    payload: { notes: 'typo' },
    detail: /^body: .*notes/,
  },
  {
    name: 'a number as text',
    action: 'updates',
    payload: { note: 42 },
    detail: /^body\.note: /,
  },
  {
    name: 'an unknown diagnosis domain',
    action: 'diagnose',
    payload: { domain: 'firmware' },
    detail: /^body\.domain: /,
  },
  {
    name: 'a severity of zero',
    action: 'severity',
    payload: { to: 0, reason: 'x' },
    detail: /^body\.to: /,
  },
  {
    name: 'a severity of six',
    action: 'severity',
    payload: { to: 6, reason: 'x' },
    detail: /^body\.to: /,
  },
  {
    name: 'a fractional severity',
    action: 'severity',
    payload: { to: 1.5, reason: 'x' },
    detail: /^body\.to: /,
  },
  {
    name: 'a severity as text',
    action: 'severity',
    payload: { to: 'high', reason: 'x' },
    detail: /^body\.to: /,
  },
  {
    name: 'a severity raise without its reason',
    action: 'severity',
    payload: { to: 1 },
    detail: /^body\.reason: /,
  },
  {
    name: 'a consent that is not an object',
    action: 'close',
    payload: { consent: 'yes' },
    detail: /^body\.consent: /,
  },
  {
    name: 'plain text instead of JSON',
    action: 'notes',
    payload: 'text=hello',
    contentType: 'text/plain',
    detail: /^body: /,
  },
];

describe.each(storeTargets)('ticket actions on $name', (target) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await apiHarness(target);
  });
  afterAll(() => h.close());

  it('walks a call from open to closed, each step an event naming who did it', async () => {
    const id = await ticketIn(h, 'open');
    const post = async (role: Role, action: string, payload?: object) => {
      h.clock.advance(60_000);
      const response = await h.as(role, {
        method: 'POST',
        url: `/api/tickets/${id}/${action}`,
        ...(payload ? { payload } : {}),
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json();
    };
    await post('engineer', 'respond', { note: 'Looking' });
    await post('customer', 'severity', { to: 1, reason: 'Trading floor down' });
    await post('engineer', 'arrive');
    await post('engineer', 'diagnose', { domain: 'hardware', note: 'DIMM A1' });
    await post('engineer', 'dispatch', { serial: 'SN-77' });
    await post('customer', 'notes', { text: 'Thanks' });
    await post('engineer', 'fix', { resolution: 'Blade replaced' });
    const closed = await post('customer', 'close', { consent: consent(h) });
    expect(closed.ticket).toMatchObject({ id, state: 'closed', severity: 1 });
    expect(closed.clocks.length).toBeGreaterThan(0);
    const events = closed.events as { type: string; actor: { kind: string; id: string } }[];
    expect(events.slice(1).map((e) => [e.type, e.actor])).toEqual(
      expect.arrayContaining([
        ['responded', { kind: 'user', id: 'engineer', role: 'engineer' }],
        ['severity-raised', { kind: 'user', id: 'customer', role: 'customer' }],
        ['arrived-on-site', { kind: 'user', id: 'engineer', role: 'engineer' }],
        ['diagnosed', { kind: 'user', id: 'engineer', role: 'engineer' }],
        ['replacement-dispatched', { kind: 'user', id: 'engineer', role: 'engineer' }],
        ['note', { kind: 'user', id: 'customer', role: 'customer' }],
        ['fixed', { kind: 'user', id: 'engineer', role: 'engineer' }],
        ['closed', { kind: 'user', id: 'customer', role: 'customer' }],
      ]),
    );
    const detail = (await h.as('operations', { url: `/api/tickets/${id}` })).json();
    expect(detail.ticket.consent).toMatchObject({ by: 'Dana Whitfield' });
  });

  it('places a call by hand: a feature request at severity 5, the caller as contact', async () => {
    const response = await h.as('customer', {
      method: 'POST',
      url: '/api/tickets',
      payload: { siteId: 'ny2', severity: 5, summary: 'Export the monthly report as PDF' },
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.ticket).toMatchObject({
      state: 'open',
      severity: 5,
      opened: { source: 'customer', signal: 'feature.request', siteId: 'ny2', contact: 'customer' },
    });
    expect(body.events[0].actor).toEqual({ kind: 'user', id: 'customer', role: 'customer' });
  });

  it.each([
    [{ siteId: 'mars', severity: 3, summary: 'x' }, /^siteId: not a site of the contract/],
    [{ siteId: 'nj1', severity: 0, summary: 'x' }, /^body\.severity: /],
    [{ siteId: 'nj1', severity: 3 }, /^body\.summary: /],
    [{ siteId: 'nj1 ', severity: 3, summary: 'x' }, /^body\.siteId: /],
    [{ siteId: 'nj1', severity: 3, summary: 'x', bladeId: 'a/b' }, /^body\.bladeId: /],
  ])('refuses a call placed with %j', async (payload, detail) => {
    const before = await ticketCount(h);
    const response = await h.as('customer', { method: 'POST', url: '/api/tickets', payload });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'BF_BAD_REQUEST',
      details: expect.arrayContaining([expect.stringMatching(detail)]),
    });
    expect(await ticketCount(h)).toBe(before);
  });

  it.each(REFUSALS)('refuses $name: $status $code, nothing changed', async (r) => {
    const id = await ticketIn(h, r.state, r.domain);
    const before = await eventCount(h, id);
    const response = await h.as(r.role, {
      method: 'POST',
      url: `/api/tickets/${id}/${r.action}`,
      ...(r.body ? { payload: r.body(h) as object } : {}),
    });
    expect(response.statusCode, response.body).toBe(r.status);
    const body = response.json();
    expect(body.code).toBe(r.code);
    expect(body.message).toBeTypeOf('string');
    if (r.detail)
      expect(body.details).toEqual(expect.arrayContaining([expect.stringMatching(r.detail)]));
    expect(await eventCount(h, id)).toBe(before);
  });

  it.each(MALFORMED)('answers $name with 400 naming the field, nothing changed', async (m) => {
    const id = await ticketIn(h, 'diagnosed');
    const before = await eventCount(h, id);
    const response = await h.as(roleFor(m.action), {
      method: 'POST',
      url: `/api/tickets/${id}/${m.action}`,
      payload: m.payload,
      ...(m.contentType ? { headers: { 'content-type': m.contentType } } : {}),
    });
    expect(response.statusCode, response.body).toBe(400);
    const body = response.json();
    expect(body.code).toBe('BF_BAD_REQUEST');
    expect(body.details).toEqual(expect.arrayContaining([expect.stringMatching(m.detail)]));
    expect(await eventCount(h, id)).toBe(before);
  });

  it.each(['abc', '0', '-3', '1.5', '99999999999999999999', '1%20OR%201'])(
    'answers a malformed ticket id %s with 400',
    async (id) => {
      const response = await h.as('engineer', {
        method: 'POST',
        url: `/api/tickets/${id}/respond`,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().details).toEqual([expect.stringMatching(/^params\.id: /)]);
    },
  );

  it('answers an unknown ticket with 404', async () => {
    const response = await h.as('engineer', {
      method: 'POST',
      url: '/api/tickets/987654/respond',
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('BF_NOT_FOUND');
  });
});

function roleFor(action: string): Role {
  return action === 'severity' || action === 'close' ? 'customer' : 'engineer';
}
