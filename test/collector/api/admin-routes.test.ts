import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../collector/api/app.js';
import { ContractHolder } from '../../../collector/sla/contract-holder.js';
import { exampleContractFile } from '../../../collector/sla/load-contract.js';
import { apiHarness, type ApiHarness } from '../../support/api.js';
import { storeTargets } from '../../support/stores.js';
import { contract } from '../../support/tickets.js';
import { ticketIn } from './fixtures.js';

const exampleYaml = readFileSync(exampleContractFile(), 'utf8');

describe.each(storeTargets)('admin endpoints on $name', (target) => {
  let h: ApiHarness;
  beforeEach(async () => {
    h = await apiHarness(target);
  });
  afterEach(() => h.close());

  const admin = (options: Parameters<ApiHarness['as']>[1]) => h.as('admin', options);

  it('adds people, issues a token shown once, and revokes it', async () => {
    const added = await admin({
      method: 'POST',
      url: '/api/users',
      payload: { name: 'ana', role: 'engineer', email: 'ana@example.com' },
    });
    expect(added.statusCode).toBe(201);
    const ana = added.json();
    expect(ana).toMatchObject({ name: 'ana', role: 'engineer', disabledAt: null });

    const issued = await admin({
      method: 'POST',
      url: `/api/users/ana/tokens`,
      payload: { label: 'laptop', expiresIn: '30d' },
    });
    expect(issued.statusCode).toBe(201);
    const { token, record } = issued.json();
    expect(token).toMatch(/^bft_/);
    expect(record).toMatchObject({ userId: ana.id, label: 'laptop' });
    expect(Date.parse(record.expiresAt) - h.clock.now().getTime()).toBe(30 * 86_400_000);

    const me = await h.app.inject({
      url: '/api/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.json()).toMatchObject({
      name: 'ana',
      role: 'engineer',
      actions: expect.arrayContaining(['respond', 'diagnose']),
    });

    const listed = await admin({ url: `/api/tokens?user=ana` });
    expect(listed.json().tokens).toEqual([expect.objectContaining({ id: record.id })]);
    expect(listed.body).not.toContain(token);
    expect(listed.body).not.toContain('hash');

    expect((await admin({ method: 'DELETE', url: `/api/tokens/${record.id}` })).statusCode).toBe(
      204,
    );
    const after = await h.app.inject({
      url: '/api/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(after.statusCode).toBe(401);
    const again = await admin({ method: 'DELETE', url: `/api/tokens/${record.id}` });
    expect(again.statusCode).toBe(404);
  });

  it('disables a person, whose tokens stop at once, but never the last admin', async () => {
    const user = await h.auth.createUser({ name: 'dana', role: 'customer' });
    const { token } = await h.auth.issueToken(user.id);
    const disabled = await admin({ method: 'POST', url: `/api/users/${user.id}/disable` });
    expect(disabled.json()).toMatchObject({
      name: 'dana',
      disabledAt: h.clock.now().toISOString(),
    });
    const refused = await h.app.inject({
      url: '/api/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(refused.statusCode).toBe(401);
    expect((await admin({ method: 'POST', url: '/api/users/dana/disable' })).statusCode).toBe(409);

    const last = await admin({ method: 'POST', url: '/api/users/admin/disable' });
    expect(last.statusCode).toBe(409);
    expect(last.json()).toMatchObject({
      code: 'BF_CONFLICT',
      details: ['id: add another admin first'],
    });
    expect((await admin({ method: 'POST', url: '/api/users/nobody/disable' })).statusCode).toBe(
      404,
    );
  });

  it.each([
    [{ name: 'engineer', role: 'engineer' }, 409, 'BF_CONFLICT'],
    [{ name: 'x', role: 'superuser' }, 400, 'BF_BAD_REQUEST'],
    [{ name: 'has space', role: 'customer' }, 400, 'BF_BAD_REQUEST'],
    [{ name: 'y', role: 'customer', email: 'not-an-address' }, 400, 'BF_BAD_REQUEST'],
    [{ role: 'customer' }, 400, 'BF_BAD_REQUEST'],
  ])('refuses to add %j: %i %s', async (payload, status, code) => {
    const before = (await h.auth.listUsers()).length;
    const response = await admin({ method: 'POST', url: '/api/users', payload });
    expect(response.statusCode).toBe(status);
    expect(response.json().code).toBe(code);
    expect((await h.auth.listUsers()).length).toBe(before);
  });

  it('answers malformed token ids and expiries with 400', async () => {
    expect((await admin({ method: 'DELETE', url: '/api/tokens/abc' })).statusCode).toBe(400);
    const bad = await admin({
      method: 'POST',
      url: '/api/users/engineer/tokens',
      payload: { expiresIn: 'forever' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details).toEqual([expect.stringMatching(/^body\.expiresIn: /)]);
  });

  it('shows the contract in force to every reader', async () => {
    const response = await h.as('customer', { url: '/api/contract' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      contract: { program: contract.program, sites: [{ id: 'nj1' }, { id: 'ny2' }] },
      source: exampleYaml,
      updatedBy: null,
    });
  });

  it('replaces the contract: validated, written, in force, announced', async () => {
    const id = await ticketIn(h, 'open');
    const dueBefore = (await h.as('operations', { url: `/api/tickets/${id}` })).json().clocks[0]
      .dueAt;
    const faster = exampleYaml.replace('businessHours: 4h', 'businessHours: 1h');
    expect(faster).not.toBe(exampleYaml);
    const response = await admin({
      method: 'PUT',
      url: '/api/contract',
      payload: faster,
      headers: { 'content-type': 'application/yaml' },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ updatedBy: 'admin', source: faster });
    expect(readFileSync(h.contract.describe().file!, 'utf8')).toBe(faster);
    expect(h.tickets.contract).toBe(h.contract.current());
    // Open tickets follow the new figures (clocks are computed from the log and the contract).
    const dueAfter = (await h.as('operations', { url: `/api/tickets/${id}` })).json().clocks[0]
      .dueAt;
    expect(Date.parse(dueAfter)).toBeLessThan(Date.parse(dueBefore));
    const announced = await h.store.db.selectFrom('activity').selectAll().execute();
    expect(announced).toEqual([expect.objectContaining({ type: 'contract.updated' })]);
    expect(JSON.parse(announced[0]!.data)).toMatchObject({ by: 'admin', sites: ['nj1', 'ny2'] });

    // The same as JSON.
    const json = await admin({
      method: 'PUT',
      url: '/api/contract',
      payload: { ...rawExample(), program: 'enterprise-i' },
    });
    expect(json.statusCode, json.body).toBe(200);
    expect(h.contract.current().program).toBe('enterprise-i');
  });

  it.each([
    [
      'an invalid contract',
      'application/yaml',
      exampleYaml.replace('thresholdPercent:', 'thresholdPercent: 250 #'),
      'BF_CONFIG_INVALID',
      /^slr\.thresholdPercent: /,
    ],
    [
      'broken YAML',
      'application/yaml',
      'sites: [nj1\nprogram: {',
      'BF_CONFIG_SYNTAX',
      /^contract: /,
    ],
    ['an empty object', 'application/json', '{}', 'BF_CONFIG_INVALID', /^program: /],
    ['a list', 'application/json', '[1, 2]', 'BF_CONFIG_INVALID', /^\(root\): /],
  ])(
    'refuses %s with every problem as path: message, nothing changed',
    async (_name, type, payload, code, detail) => {
      const before = h.contract.current();
      const response = await admin({
        method: 'PUT',
        url: '/api/contract',
        payload,
        headers: { 'content-type': type },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe(code);
      expect(response.json().details).toEqual(
        expect.arrayContaining([expect.stringMatching(detail)]),
      );
      expect(h.contract.current()).toBe(before);
      expect(readFileSync(h.contract.describe().file!, 'utf8')).toBe(exampleYaml);
      expect(await h.store.db.selectFrom('activity').selectAll().execute()).toEqual([]);
    },
  );

  it('refuses to change the example contract (no contract file configured)', async () => {
    const app = await buildApp({
      db: h.store.db,
      clock: h.clock,
      auth: h.auth,
      tickets: h.tickets,
      contract: new ContractHolder(contract, { clock: h.clock }),
      health: { store: { dialect: h.store.dialect, location: h.store.location } },
    });
    const response = await app.inject({
      method: 'PUT',
      url: '/api/contract',
      payload: exampleYaml,
      headers: { 'content-type': 'application/yaml', authorization: `Bearer ${h.tokens.admin}` },
    });
    expect(response.statusCode).toBe(409);
    expect(response.json().details).toEqual([expect.stringMatching(/^contractFile: /)]);
    await app.close();
  });
});

function rawExample(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(parseYaml(exampleYaml))) as Record<string, unknown>;
}
