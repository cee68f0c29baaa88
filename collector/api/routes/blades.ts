import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Clock } from '../../../shared/clock.js';
import { isDuration, parseDuration } from '../../../shared/duration.js';
import { BladeframeError } from '../../../shared/errors.js';
import { getBlade, healthHistory, listBlades, listSites } from '../../fleet/fleet-queries.js';
import type { Database } from '../../store/schema.js';
import { parseRequest } from '../errors.js';
import { nameId } from '../schemas.js';
import { healthSample, listFrames } from '../../fleet/fleet-overview.js';
import { listTickets, MAX_PAGE } from '../../tickets/ticket-queries.js';
import type { HealthMessage } from '../../../shared/messages/health.js';

const listQuery = z.object({
  site: z.string().optional(),
  frame: z.string().optional(),
  state: z.enum(['online', 'offline', 'silent', 'stopped']).optional(),
  environment: z.enum(['production', 'qa']).optional(),
});

const historyQuery = z.object({
  since: z
    .string()
    .refine(isDuration, 'must be a duration like 24h')
    .transform(parseDuration)
    .default(24 * 3_600_000),
});

const bladeParams = z.object({ id: nameId.describe('Blade id') });
const framesQuery = z.object({ site: nameId.optional() });

/** The fleet registry: blades with inventory, liveness and last health; sites and frames. */
const bladesRoutes: FastifyPluginAsync<{ db: Kysely<Database>; clock: Clock }> = async (
  app,
  { db, clock },
) => {
  const bladeOr404 = async (id: string) => {
    const blade = await getBlade(db, id);
    if (!blade) throw new BladeframeError('BF_NOT_FOUND', `blade ${id}`);
    return blade;
  };

  app.get(
    '/api/blades',
    {
      config: {
        doc: {
          summary: 'Blades with inventory, liveness and last health',
          tags: ['fleet'],
          query: listQuery,
        },
      },
    },
    async (request) => {
      const filter = parseRequest(listQuery, request.query, 'query');
      return { blades: await listBlades(db, filter) };
    },
  );

  app.get(
    '/api/blades/:id',
    {
      config: {
        doc: {
          summary:
            'One blade: inventory, last health, the last 24 h of health, its standing tickets',
          tags: ['fleet'],
          params: bladeParams,
        },
      },
    },
    async (request) => {
      const { id } = parseRequest(bladeParams, request.params, 'params');
      const blade = await bladeOr404(id);
      const from = new Date(clock.now().getTime() - 24 * 3_600_000);
      const history = await healthHistory(db, blade.bladeId, from, clock.now());
      const { tickets } = await listTickets(db, {
        bladeId: blade.bladeId,
        state: ['open', 'responded', 'on-site', 'diagnosed', 'replacement-dispatched', 'fixed'],
        limit: MAX_PAGE,
      });
      return {
        ...blade,
        history: {
          since: from.toISOString(),
          samples: history.map((h) => healthSample(h.receivedAt, h.snapshot as HealthMessage)),
        },
        tickets,
      };
    },
  );

  app.get(
    '/api/blades/:id/health',
    {
      config: {
        doc: {
          summary: "A blade's full health snapshots since a time (default 24 h)",
          tags: ['fleet'],
          params: bladeParams,
          query: historyQuery,
        },
      },
    },
    async (request) => {
      const { id } = parseRequest(bladeParams, request.params, 'params');
      const { since } = parseRequest(historyQuery, request.query, 'query');
      const blade = await bladeOr404(id);
      const from = new Date(clock.now().getTime() - since);
      return {
        bladeId: blade.bladeId,
        since: from.toISOString(),
        snapshots: await healthHistory(db, blade.bladeId, from, clock.now()),
      };
    },
  );

  app.get(
    '/api/frames',
    {
      config: {
        doc: {
          summary: 'The fleet as frames x blades, each blade with its worst standing fault',
          tags: ['fleet'],
          query: framesQuery,
        },
      },
    },
    async (request) => {
      const { site } = parseRequest(framesQuery, request.query, 'query');
      return { frames: await listFrames(db, { site }) };
    },
  );

  app.get(
    '/api/sites',
    {
      config: {
        doc: { summary: 'Sites (data centers) of the contract and of the fleet', tags: ['fleet'] },
      },
    },
    async () => ({ sites: await listSites(db) }),
  );
};

export default bladesRoutes;
