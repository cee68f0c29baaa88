import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { SparesService } from '../../spares/spares-service.js';
import { parseRequest } from '../errors.js';
import { principalOf } from '../principal.js';
import { nameId } from '../schemas.js';

const siteParams = z.strictObject({ siteId: nameId });

const restockBody = z.strictObject({
  spareSetId: nameId.describe("One of the site's spare sets in the contract"),
  part: nameId.optional().describe('One part; absent: every part of the set back to full'),
  quantity: z
    .int()
    .min(1)
    .max(1000)
    .optional()
    .describe('With `part`: how many were put back (default: what the set lacks)'),
  at: z.iso
    .datetime({ offset: true, error: 'must be an ISO time' })
    .optional()
    .describe('When the parts were put back (default: now)'),
  note: z.string().trim().max(1000).optional(),
});

/**
 * Spare parts per site: the stock of each set (the contract's full sets, less the replacement
 * blades dispatched, plus the restocks recorded), whether the site holds one full set, the open
 * and past alerts; and an engineer's record of a restock.
 */
const spareRoutes: FastifyPluginAsync<{ spares: SparesService }> = async (app, { spares }) => {
  const overview = async () => {
    const [stock, alerts] = await Promise.all([spares.stock(), spares.alertLog()]);
    return {
      sites: stock.map((s) => ({
        ...s,
        alert: alerts.find((a) => a.siteId === s.siteId && a.open) ?? null,
      })),
      alerts,
    };
  };

  app.get(
    '/api/spares',
    {
      config: {
        access: 'read',
        doc: {
          summary: 'Spare-part sets per site, the stock of each, and the below-one-set alerts',
          tags: ['spares'],
        },
      },
    },
    overview,
  );

  app.post(
    '/api/spares/:siteId/restock',
    {
      config: {
        access: 'engineer',
        doc: {
          summary: 'Record a restock of a spare set (clears the site’s alert once it is full)',
          tags: ['spares'],
          params: siteParams,
          body: restockBody,
          status: 201,
          errors: ['BF_NOT_FOUND'],
        },
      },
    },
    async (request, reply) => {
      const { siteId } = parseRequest(siteParams, request.params, 'params');
      const body = parseRequest(restockBody, request.body ?? {}, 'body');
      const result = await spares.restock(siteId, principalOf(request).name, body);
      return reply.status(201).send(result);
    },
  );
};

export default spareRoutes;
