import { z } from 'zod';
import { ERRORS } from '../../shared/errors.js';
import { permissionsOf, type RouteEntry } from './access.js';
import { errorBody } from './schemas.js';

type Json = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const json = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as Json;
  delete json.$schema;
  return json;
}

/** Path and query parameters from an object schema, one OpenAPI parameter per property. */
function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const json = schemaOf(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, Json>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  101: 'Switching to the WebSocket protocol',
  204: 'No content',
};

/** The error codes a route may answer with, grouped by status. */
function errorResponses(entry: RouteEntry): Json {
  const codes = new Set<string>(['BF_BAD_REQUEST', 'BF_INTERNAL']);
  if (entry.access !== 'public') {
    codes.add('BF_UNAUTHENTICATED');
    if (entry.access !== 'authenticated') codes.add('BF_FORBIDDEN');
  }
  if (entry.url.includes(':')) codes.add('BF_NOT_FOUND');
  for (const code of entry.doc?.errors ?? []) codes.add(code);
  const byStatus = new Map<number, string[]>();
  for (const code of codes) {
    const spec = ERRORS[code as keyof typeof ERRORS];
    if (!spec) continue;
    byStatus.set(spec.status, [...(byStatus.get(spec.status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      String(status),
      {
        description: list
          .map((code) => `${code}: ${ERRORS[code as keyof typeof ERRORS].message}`)
          .join('; '),
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    ]),
  );
}

/**
 * The OpenAPI 3.1 document of every route the app serves, built from the same zod schemas the
 * routes validate with, and from the access each route's guard enforces.
 */
export function openApiDocument(routes: readonly RouteEntry[], version: string): Json {
  const paths: Record<string, Json> = {};
  for (const entry of routes) {
    if (entry.url === '*' || entry.url.endsWith('*')) continue;
    const path = entry.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const doc = entry.doc;
    const status = doc?.status ?? 200;
    const permissions = permissionsOf(entry.access);
    const operation: Json = {
      summary: doc?.summary ?? `${entry.method} ${entry.url}`,
      ...(doc?.description ? { description: doc.description } : {}),
      tags: doc?.tags ?? [entry.url.split('/')[2] ?? 'service'],
      'x-access': entry.access,
      ...(permissions.length ? { 'x-permissions': permissions } : {}),
      security: entry.access === 'public' ? [] : [{ bearer: [] }],
      parameters: [...parameters(doc?.params, 'path'), ...parameters(doc?.query, 'query')],
      ...(doc?.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schemaOf(doc.body, 'input') } },
            },
          }
        : {}),
      responses: {
        [String(status)]: {
          description: STATUS_TEXT[status] ?? 'Success',
          ...(doc?.websocket
            ? {}
            : {
                content: {
                  'application/json': {
                    schema: doc?.response ? schemaOf(doc.response, 'output') : { type: 'object' },
                  },
                },
              }),
        },
        ...errorResponses(entry),
      },
    };
    // A path parameter the route's schema does not describe is still a parameter.
    for (const name of [...entry.url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!)) {
      const list = operation.parameters as Json[];
      if (!list.some((p) => p.name === name && p.in === 'path')) {
        list.push({ name, in: 'path', required: true, schema: { type: 'string' } });
      }
    }
    paths[path] = { ...paths[path], [entry.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'bladeframe-callhome collector',
      version,
      description:
        'Tickets, contract clocks, fleet and the live stream. Errors are {code, message, details}; codes are listed in docs/ERRORS.md.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token (bft_...)' },
      },
      schemas: { Error: schemaOf(errorBody, 'output') },
    },
    paths,
  };
}
