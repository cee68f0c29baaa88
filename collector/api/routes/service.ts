import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';
import type { RouteEntry } from '../access.js';
import { openApiDocument } from '../openapi.js';

/** `GET /metrics` (Prometheus, for the scraper) and `GET /api/openapi.json` (public). */
const serviceRoutes: FastifyPluginAsync<{
  registry: Registry;
  routes: readonly RouteEntry[];
  version: string;
}> = async (app, { registry, routes, version }) => {
  app.get(
    '/metrics',
    {
      config: {
        access: 'public',
        doc: { summary: 'Prometheus metrics', tags: ['service'] },
      },
    },
    async (_request, reply) => {
      const text = await registry.metrics();
      return reply.type(registry.contentType).send(text);
    },
  );

  let document: Record<string, unknown> | undefined;
  app.get(
    '/api/openapi.json',
    {
      config: {
        access: 'public',
        doc: { summary: 'This document: OpenAPI 3.1 of every route', tags: ['service'] },
      },
    },
    // Built on first request, when every route is registered.
    async () => (document ??= openApiDocument(routes, version)),
  );
};

export default serviceRoutes;
