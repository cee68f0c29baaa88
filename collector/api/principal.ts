import type { FastifyRequest } from 'fastify';
import { BladeframeError } from '../../shared/errors.js';
import type { Principal } from '../auth/auth-service.js';
import type { UserActor } from '../tickets/transitions.js';

/** The authenticated caller of a guarded route. */
export function principalOf(request: FastifyRequest): Principal {
  const principal = request.principal;
  // The access guard runs first on every guarded route; reaching here without one is a defect.
  if (!principal) throw new BladeframeError('BF_UNAUTHENTICATED', 'no principal on the request');
  return principal;
}

/**
 * The actor a ticket event records: the user's name (unique, never reused, readable in the
 * audit log and the reports) and the role they acted in.
 */
export function actorOf(request: FastifyRequest): UserActor {
  const principal = principalOf(request);
  return { kind: 'user', id: principal.name, role: principal.role };
}
