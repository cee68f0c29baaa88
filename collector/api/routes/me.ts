import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { ROLE_PERMISSIONS, roleAllows } from '../../auth/permissions.js';
import { ACTIONS, PERMISSIONS_FOR } from '../../tickets/transitions.js';
import { principalOf } from '../principal.js';

const meResponse = z.object({
  userId: z.string(),
  name: z.string(),
  role: z.enum(['operations', 'engineer', 'customer', 'admin']),
  permissions: z.array(z.string()),
  actions: z.array(z.string()).describe('The ticket actions this role may take'),
  tokenId: z.string(),
});

/** `GET /api/me`: who the token belongs to and what it may do (the dashboard shows only that). */
const meRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/api/me',
    {
      config: {
        access: 'authenticated',
        doc: {
          summary: 'The caller: user, role, permissions',
          tags: ['auth'],
          response: meResponse,
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return {
        userId: principal.userId,
        name: principal.name,
        role: principal.role,
        permissions: [...ROLE_PERMISSIONS[principal.role]],
        actions: ACTIONS.filter((action) =>
          PERMISSIONS_FOR[action].some((p) => roleAllows(principal.role, p)),
        ),
        tokenId: principal.tokenId,
      };
    },
  );
};

export default meRoutes;
