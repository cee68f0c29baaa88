import type { FastifyError, FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { formatIssues } from '../../shared/config/load.js';
import { BladeframeError, isBladeframeError } from '../../shared/errors.js';

/** Every error leaves the API as `{code, message, details}` with the catalogue's status. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | BladeframeError, request, reply) => {
    if (isBladeframeError(error)) {
      return reply.status(error.statusCode).send(error.toJSON());
    }
    const status = (error as FastifyError).statusCode ?? 500;
    if ((error as FastifyError).validation || (status >= 400 && status < 500)) {
      // Fastify's own refusals (unparsable JSON, an unsupported content type, a body too large)
      // keep their status and read like ours.
      const bad = new BladeframeError('BF_BAD_REQUEST', error.message, [`body: ${error.message}`]);
      return reply.status(status >= 400 && status < 500 ? status : 400).send(bad.toJSON());
    }
    request.log.error({ err: error }, 'request failed');
    const internal = new BladeframeError('BF_INTERNAL');
    return reply.status(internal.statusCode).send(internal.toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new BladeframeError('BF_NOT_FOUND', `${request.method} ${request.url}`);
    return reply.status(error.statusCode).send(error.toJSON());
  });
}

/** Parses query or params with a zod schema; problems become BF_BAD_REQUEST with `path: message`. */
export function parseRequest<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: string,
): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const details = formatIssues(result.error.issues, where);
  throw new BladeframeError('BF_BAD_REQUEST', details.join('; '), details);
}
