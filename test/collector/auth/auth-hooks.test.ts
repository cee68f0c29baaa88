import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requirePermission } from '../../../collector/auth/auth-hooks.js';
import { AuthService } from '../../../collector/auth/auth-service.js';
import { PERMISSIONS, ROLE_PERMISSIONS } from '../../../collector/auth/permissions.js';
import { ROLES } from '../../../collector/domain/ticket-events.js';
import { openStore, type Store } from '../../../collector/store/open-store.js';
import { systemClock } from '../../../shared/clock.js';
import { BladeframeError } from '../../../shared/errors.js';

let store: Store;
let app: FastifyInstance;
const tokens: Record<string, string> = {};

beforeEach(async () => {
  store = await openStore({ sqliteFile: ':memory:' });
  const auth = new AuthService(store.db, systemClock);
  for (const role of ROLES) {
    const user = await auth.createUser({ name: role, role });
    tokens[role] = (await auth.issueToken(user.id)).token;
  }
  app = Fastify();
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof BladeframeError)
      return reply.status(error.statusCode).send(error.toJSON());
    return reply.status(500).send({ message: 'internal' });
  });
  for (const permission of PERMISSIONS) {
    app.get(`/${permission}`, { preHandler: requirePermission(auth, permission) }, async (req) => ({
      who: req.principal?.name,
    }));
  }
});
afterEach(async () => {
  await app.close();
  await store.close();
});

describe('requirePermission', () => {
  it('answers 401 with a code when no or a bad token is sent', async () => {
    const none = await app.inject({ url: '/read' });
    expect(none.statusCode).toBe(401);
    expect(none.json().code).toBe('BF_UNAUTHENTICATED');
    const bad = await app.inject({ url: '/read', headers: { authorization: 'Bearer nope' } });
    expect(bad.statusCode).toBe(401);
  });

  it.each(ROLES)('lets %s do exactly what its role allows', async (role) => {
    for (const permission of PERMISSIONS) {
      const response = await app.inject({
        url: `/${permission}`,
        headers: { authorization: `Bearer ${tokens[role]}` },
      });
      const allowed = ROLE_PERMISSIONS[role].includes(permission);
      expect(response.statusCode, `${role} → ${permission}`).toBe(allowed ? 200 : 403);
      if (allowed) expect(response.json()).toEqual({ who: role });
      else expect(response.json().code).toBe('BF_FORBIDDEN');
    }
  });

  it('accepts the token as access_token in the query (WebSocket upgrades)', async () => {
    const response = await app.inject({ url: `/read?access_token=${tokens.operations}` });
    expect(response.statusCode).toBe(200);
  });
});
