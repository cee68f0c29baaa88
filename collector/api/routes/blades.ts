import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Clock } from '../../../shared/clock.js';
import { isDuration, parseDuration } from '../../../shared/duration.js';
import { BladeframeError } from '../../../shared/errors.js';
import { getBlade, healthHistory, listBlades, listSites } from '../../fleet/fleet-queries.js';
import type { Database } from '../../store/schema.js';
import { parseRequest } from '../errors.js';

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

/** The fleet registry: blades with inventory, liveness and last health; sites and frames. */
const bladesRoutes: FastifyPluginAsync<{ db: Kysely<Database>; clock: Clock }> = async (
  app,
  { db, clock },
) => {
  app.get('/api/blades', async (request) => {
    const filter = parseRequest(listQuery, request.query, 'query');
    return { blades: await listBlades(db, filter) };
  });

  app.get<{ Params: { id: string } }>('/api/blades/:id', async (request) => {
    const blade = await getBlade(db, request.params.id);
    if (!blade) throw new BladeframeError('BF_NOT_FOUND', `blade ${request.params.id}`);
    return blade;
  });

  app.get<{ Params: { id: string } }>('/api/blades/:id/health', async (request) => {
    const { since } = parseRequest(historyQuery, request.query, 'query');
    const blade = await getBlade(db, request.params.id);
    if (!blade) throw new BladeframeError('BF_NOT_FOUND', `blade ${request.params.id}`);
    const from = new Date(clock.now().getTime() - since);
    return {
      bladeId: blade.bladeId,
      since: from.toISOString(),
      snapshots: await healthHistory(db, blade.bladeId, from),
    };
  });

  app.get('/api/sites', async () => ({ sites: await listSites(db) }));
};

export default bladesRoutes;
