import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { BladeframeError } from '../../../shared/errors.js';
import { tokenFromRequest } from '../../auth/tokens.js';
import { parseRequest } from '../errors.js';
import { principalOf } from '../principal.js';
import { parseCursor, type Cursor } from '../stream/cursor.js';
import type { StreamHub } from '../stream/stream-hub.js';

const streamQuery = z.object({
  since: z
    .string()
    .refine((v) => parseCursor(v) !== undefined, 'must be a stream id like "1842-77"')
    .optional()
    .describe('The id of the last message seen: everything after it is sent first'),
  access_token: z.string().optional().describe('The bearer token (browsers cannot set headers)'),
});

const cursors = new WeakMap<FastifyRequest, Cursor | undefined>();

/**
 * `GET /api/stream`: the live stream over a WebSocket (protocol in the README). The token and
 * `since` are checked before the upgrade, so a bad request gets an HTTP answer (401/403/400).
 */
const streamRoutes: FastifyPluginAsync<{ hub: StreamHub }> = async (app, { hub }) => {
  app.route({
    method: 'GET',
    url: '/api/stream',
    config: {
      access: 'read',
      doc: {
        summary: 'Live stream of ticket events, blade and frame states and alerts (WebSocket)',
        description:
          'Upgrade to a WebSocket. Messages are JSON {id, type, at, data}; reconnect with ?since=<last id> (or send {"resume": "<id>"} first) to receive what was missed.',
        tags: ['stream'],
        query: streamQuery,
        websocket: true,
        status: 101,
      },
    },
    preHandler: async (request) => {
      const { since } = parseRequest(streamQuery, request.query, 'query');
      cursors.set(request, since === undefined ? undefined : parseCursor(since));
    },
    handler: async () => {
      throw new BladeframeError('BF_BAD_REQUEST', 'GET /api/stream is a WebSocket', [
        'headers: send Connection: Upgrade and Upgrade: websocket',
      ]);
    },
    wsHandler: (socket, request) => {
      const query = request.query as { access_token?: string };
      const token = tokenFromRequest(request.headers.authorization, query.access_token)!;
      hub.connect(socket, principalOf(request), token, cursors.get(request));
    },
  });
};

export default streamRoutes;
