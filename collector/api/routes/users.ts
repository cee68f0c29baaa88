import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../../../shared/clock.js';
import { isDuration, parseDuration } from '../../../shared/duration.js';
import { BladeframeError } from '../../../shared/errors.js';
import type { AuthService } from '../../auth/auth-service.js';
import { ROLES } from '../../domain/ticket-events.js';
import { parseRequest } from '../errors.js';
import { principalOf } from '../principal.js';

const userName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._@-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 . _ @ -')
  .describe('Unique; it names the user in the audit log');

export const createUserBody = z.strictObject({
  name: userName,
  role: z.enum(ROLES),
  email: z.email().nullish(),
});

export const issueTokenBody = z.strictObject({
  label: z.string().trim().min(1).max(100).optional(),
  expiresIn: z
    .string()
    .refine(isDuration, 'must be a duration like 90d or 12h')
    .optional()
    .describe('How long the token works (absent: until revoked)'),
});

const userParams = z.object({ id: z.string().min(1).max(100).describe('User id or name') });
const tokenParams = z.object({
  id: z
    .string()
    .regex(/^tok_[0-9a-f]{16}$/, 'must be a token id like tok_0123456789abcdef')
    .describe('Token id (not the token)'),
});
const tokensQuery = z.object({ user: z.string().min(1).optional() });

const user = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  email: z.string().nullable(),
  createdAt: z.string(),
  disabledAt: z.string().nullable(),
});
const token = z.object({
  id: z.string(),
  userId: z.string(),
  label: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

/** People and their tokens (admin). Tokens are shown once, at issue; only hashes are kept. */
const userRoutes: FastifyPluginAsync<{ auth: AuthService; clock: Clock }> = async (
  app,
  { auth, clock },
) => {
  const find = async (idOrName: string) => {
    const found = await auth.findUser(idOrName);
    if (!found) throw new BladeframeError('BF_NOT_FOUND', `user ${idOrName}`);
    return found;
  };

  app.get(
    '/api/users',
    {
      config: {
        access: 'admin',
        doc: { summary: 'People', tags: ['admin'], response: z.object({ users: z.array(user) }) },
      },
    },
    async () => ({ users: await auth.listUsers() }),
  );

  app.post(
    '/api/users',
    {
      config: {
        access: 'admin',
        doc: {
          summary: 'Add a person with a role',
          tags: ['admin'],
          body: createUserBody,
          status: 201,
          response: user,
          errors: ['BF_CONFLICT'],
        },
      },
    },
    async (request, reply) => {
      const body = parseRequest(createUserBody, request.body, 'body');
      const created = await auth.createUser({
        name: body.name,
        role: body.role,
        email: body.email ?? null,
      });
      request.log.info(
        { user: created.name, role: created.role, by: principalOf(request).name },
        'user added',
      );
      return reply.status(201).send(created);
    },
  );

  app.post(
    '/api/users/:id/disable',
    {
      config: {
        access: 'admin',
        doc: {
          summary: 'Disable a person: their tokens stop working at once',
          tags: ['admin'],
          params: userParams,
          response: user,
          errors: ['BF_CONFLICT'],
        },
      },
    },
    async (request) => {
      const { id } = parseRequest(userParams, request.params, 'params');
      const target = await find(id);
      if (target.disabledAt) {
        throw new BladeframeError('BF_CONFLICT', `user ${target.name} is already disabled`);
      }
      if (target.role === 'admin') {
        const admins = (await auth.listUsers()).filter((u) => u.role === 'admin' && !u.disabledAt);
        if (admins.length <= 1) {
          throw new BladeframeError('BF_CONFLICT', 'the last admin cannot be disabled', [
            'id: add another admin first',
          ]);
        }
      }
      await auth.disableUser(target.id);
      request.log.info({ user: target.name, by: principalOf(request).name }, 'user disabled');
      return find(target.id);
    },
  );

  app.post(
    '/api/users/:id/tokens',
    {
      config: {
        access: 'admin',
        doc: {
          summary: 'Issue a token for a person (shown once)',
          tags: ['admin'],
          params: userParams,
          body: issueTokenBody,
          status: 201,
          response: z.object({ token: z.string().describe('Shown this once'), record: token }),
        },
      },
    },
    async (request, reply) => {
      const { id } = parseRequest(userParams, request.params, 'params');
      const body = parseRequest(issueTokenBody, request.body ?? {}, 'body');
      const target = await find(id);
      const expiresAt = body.expiresIn
        ? new Date(clock.now().getTime() + parseDuration(body.expiresIn))
        : null;
      const issued = await auth.issueToken(target.id, {
        ...(body.label ? { label: body.label } : {}),
        expiresAt,
      });
      request.log.info(
        { user: target.name, tokenId: issued.record.id, by: principalOf(request).name },
        'token issued',
      );
      return reply.status(201).send(issued);
    },
  );

  app.get(
    '/api/tokens',
    {
      config: {
        access: 'admin',
        doc: {
          summary: 'Tokens (never the tokens themselves)',
          tags: ['admin'],
          query: tokensQuery,
          response: z.object({ tokens: z.array(token) }),
        },
      },
    },
    async (request) => {
      const q = parseRequest(tokensQuery, request.query, 'query');
      return { tokens: await auth.listTokens(q.user ? (await find(q.user)).id : undefined) };
    },
  );

  app.delete(
    '/api/tokens/:id',
    {
      config: {
        access: 'admin',
        doc: {
          summary:
            'Revoke a token: it stops working at once (a stream using it within a heartbeat)',
          tags: ['admin'],
          params: tokenParams,
          status: 204,
        },
      },
    },
    async (request, reply) => {
      const { id } = parseRequest(tokenParams, request.params, 'params');
      await auth.revokeToken(id);
      request.log.info({ tokenId: id, by: principalOf(request).name }, 'token revoked');
      return reply.status(204).send();
    },
  );
};

export default userRoutes;
