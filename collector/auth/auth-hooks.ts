import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { BladeframeError } from '../../shared/errors.js';
import type { AuthService, Principal } from './auth-service.js';
import { roleAllows, type Permission } from './permissions.js';
import { tokenFromRequest } from './tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/**
 * A route guard: 401 without a valid token, 403 when the token's role lacks the permission.
 * Routes declare what they need: `{ preHandler: requirePermission(auth, 'engineer') }`.
 */
export function requirePermission(
  auth: AuthService,
  permission: Permission,
): preHandlerAsyncHookHandler {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const principal = request.principal ?? (await authenticateRequest(auth, request));
    if (!principal) {
      throw new BladeframeError('BF_UNAUTHENTICATED', 'send Authorization: Bearer <token>');
    }
    if (!roleAllows(principal.role, permission)) {
      throw new BladeframeError('BF_FORBIDDEN', `the ${principal.role} role cannot ${permission}`);
    }
  };
}

export async function authenticateRequest(
  auth: AuthService,
  request: FastifyRequest,
): Promise<Principal | undefined> {
  const query = request.query as Record<string, unknown> | undefined;
  const queryToken = typeof query?.access_token === 'string' ? query.access_token : undefined;
  const principal = await auth.authenticate(
    tokenFromRequest(request.headers.authorization, queryToken),
  );
  if (principal) request.principal = principal;
  return principal;
}
