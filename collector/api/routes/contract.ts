import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { BladeframeError } from '../../../shared/errors.js';
import { appendActivity } from '../../activity/activity-log.js';
import type { ContractHolder } from '../../sla/contract-holder.js';
import type { Database } from '../../store/schema.js';
import { principalOf } from '../principal.js';

const contractView = z.object({
  contract: z.object({}).loose().describe('As validated: durations in milliseconds'),
  source: z.string().nullable().describe('The contract file as written (YAML)'),
  file: z.string().nullable(),
  loadedAt: z.string(),
  updatedBy: z.string().nullable(),
});

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/**
 * The contract in force. GET shows it (every reader: it is what the service is measured by);
 * PUT replaces it (admin), as YAML (`Content-Type: application/yaml`) or as JSON of the same
 * shape, validated in full before anything changes.
 */
const contractRoutes: FastifyPluginAsync<{
  contract: ContractHolder;
  db: Kysely<Database>;
  onChanged?: () => void;
}> = async (app, { contract, db, onChanged }) => {
  // YAML bodies arrive as text; the holder parses them (syntax errors as `contract: ...`).
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );

  app.get(
    '/api/contract',
    {
      config: {
        access: 'read',
        doc: { summary: 'The contract in force', tags: ['admin'], response: contractView },
      },
    },
    async () => contract.describe(),
  );

  app.put(
    '/api/contract',
    {
      config: {
        access: 'admin',
        doc: {
          summary: 'Replace the contract: validated, written to the contract file, put in force',
          description:
            'Send the contract file as YAML (Content-Type: application/yaml) or the same shape as JSON. Every problem is listed as `path: message` (BF_CONFIG_INVALID); nothing changes unless all is valid. Open tickets follow the new figures at once (clocks are recomputed from their logs).',
          tags: ['admin'],
          body: z.object({}).loose(),
          response: contractView,
          errors: ['BF_CONFIG_INVALID', 'BF_CONFIG_SYNTAX', 'BF_CONFLICT'],
        },
      },
    },
    async (request) => {
      const body = request.body;
      if (typeof body !== 'string' && (body === null || typeof body !== 'object')) {
        throw new BladeframeError('BF_BAD_REQUEST', 'send the contract as YAML or JSON', [
          'body: the contract file (YAML) or the same as a JSON object',
        ]);
      }
      const by = principalOf(request).name;
      const updated = await contract.replace(body, by);
      await appendActivity(db, [
        {
          type: 'contract.updated',
          at: contract.describe().loadedAt,
          data: { by, program: updated.program, sites: updated.sites.map((s) => s.id) },
        },
      ]);
      onChanged?.();
      request.log.info({ by, sites: updated.sites.length }, 'contract replaced');
      return contract.describe();
    },
  );
};

export default contractRoutes;
