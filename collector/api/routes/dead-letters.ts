import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { countDeadLetters, listDeadLetters } from '../../ingest/dead-letters.js';
import type { Database } from '../../store/schema.js';
import { parseRequest } from '../errors.js';

const query = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.coerce.number().int().positive().optional(),
  code: z.string().optional(),
});

/** Input ingest could not process, newest first, paged with `before` (an id). */
const deadLetterRoutes: FastifyPluginAsync<{ db: Kysely<Database> }> = async (app, { db }) => {
  app.get('/api/dead-letters', async (request) => {
    const q = parseRequest(query, request.query, 'query');
    const items = await listDeadLetters(db, q);
    return {
      total: await countDeadLetters(db),
      deadLetters: items,
      next: items.length === q.limit ? items.at(-1)!.id : null,
    };
  });
};

export default deadLetterRoutes;
