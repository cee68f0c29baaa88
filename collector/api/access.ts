import type { FastifyInstance, preHandlerHookHandler, RouteOptions } from 'fastify';
import type { z } from 'zod';
import { BladeframeError } from '../../shared/errors.js';
import { authenticateRequest, requirePermission } from '../auth/auth-hooks.js';
import type { AuthService } from '../auth/auth-service.js';
import { roleAllows, type Permission } from '../auth/permissions.js';

/**
 * Who may call a route: a permission of the role table (or any of several), `authenticated` (any
 * valid token), or `public` (no token: health, metrics, the OpenAPI document, the dashboard).
 */
export type Access = Permission | readonly Permission[] | 'authenticated' | 'public';

/** What a route says about itself, for the guard and for the OpenAPI document. */
export interface RouteDoc {
  summary: string;
  description?: string;
  tags?: string[];
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Status of a success (default 200). */
  status?: number;
  /** Shape of a success; absent: an object. */
  response?: z.ZodType;
  /** Coded errors the route answers with beyond the usual ones. */
  errors?: string[];
  /** A WebSocket upgrade. */
  websocket?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Overrides the default access (see `defaultAccess`). */
    access?: Access;
    doc?: RouteDoc;
  }
}

/** A route as registered, with the access the guard enforces on it. */
export interface RouteEntry {
  method: string;
  url: string;
  access: Access;
  doc: RouteDoc | undefined;
}

/**
 * Secure by default: anything under `/api/` needs a token, reads the `read` permission and
 * changes `admin`, unless the route declares otherwise (`config.access`). Outside `/api/`
 * (health, metrics, the dashboard's static files) nothing is needed.
 */
export function defaultAccess(method: string, url: string): Access {
  if (!url.startsWith('/api/') && url !== '/api') return 'public';
  return method === 'GET' || method === 'HEAD' ? 'read' : 'admin';
}

function guardFor(auth: AuthService, access: Access): preHandlerHookHandler | undefined {
  if (access === 'public') return undefined;
  if (typeof access === 'string' && access !== 'authenticated') {
    return requirePermission(auth, access);
  }
  const anyOf = typeof access === 'string' ? null : access;
  return async (request) => {
    const principal = request.principal ?? (await authenticateRequest(auth, request));
    if (!principal) {
      throw new BladeframeError('BF_UNAUTHENTICATED', 'send Authorization: Bearer <token>');
    }
    if (anyOf && !anyOf.some((p) => roleAllows(principal.role, p))) {
      throw new BladeframeError(
        'BF_FORBIDDEN',
        `the ${principal.role} role cannot do this; it takes the ${anyOf.join(' or ')} permission`,
      );
    }
  };
}

/** The permissions an access names (none for public and any-token routes). */
export function permissionsOf(access: Access): readonly Permission[] {
  if (access === 'public' || access === 'authenticated') return [];
  return typeof access === 'string' ? [access as Permission] : access;
}

/**
 * Puts the access guard in front of every route registered after this call (routes of every
 * engineer's plugin included) and keeps the list of routes for the OpenAPI document. The guard
 * runs before anything else the route does, WebSocket upgrades included.
 */
export function installAccessControl(app: FastifyInstance, auth: AuthService): RouteEntry[] {
  const routes: RouteEntry[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const config = route.config ?? {};
    for (const method of methods) {
      const access = config.access ?? defaultAccess(method, route.url);
      if (method !== 'HEAD') routes.push({ method, url: route.url, access, doc: config.doc });
    }
    const access = config.access ?? defaultAccess(methods[0]!, route.url);
    const guard = guardFor(auth, access);
    if (!guard) return;
    const existing = route.preHandler;
    route.preHandler = [guard, ...(existing ? [existing].flat() : [])];
  });
  return routes;
}
