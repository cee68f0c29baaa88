import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { BladeframeError } from '../../../shared/errors.js';
import { TICKET_STATES } from '../../domain/ticket-events.js';
import { MAX_PAGE } from '../../tickets/ticket-queries.js';
import type { TicketService } from '../../tickets/ticket-service.js';
import { parseTicketId } from '../../tickets/ticket-store.js';
import { parseRequest } from '../errors.js';
import { ticketIdParams } from '../schemas.js';

/** `a,b` or a repeated parameter, as a list. */
function list<T extends z.ZodType>(item: T) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((v) =>
      (Array.isArray(v) ? v : [v])
        .flatMap((s) => s.split(','))
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).min(1) as unknown as z.ZodType<z.output<T>[], string[]>);
}

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const ticketId = z
  .string()
  .refine((v) => parseTicketId(v) !== null, 'must be a ticket id')
  .transform(Number);

const listQuery = z.object({
  state: list(z.enum(TICKET_STATES)).optional(),
  severity: list(z.coerce.number().int().min(1).max(5)).optional(),
  domain: list(z.enum(['hardware', 'software', 'undetermined'])).optional(),
  site: z.string().min(1).optional(),
  frame: z.string().min(1).optional(),
  blade: z.string().min(1).optional(),
  breached: flag.optional(),
  test: flag.optional(),
  parent: ticketId.optional(),
  before: ticketId.optional(),
  /** Each ticket's clocks at this moment too (the dashboard's countdowns). */
  clocks: flag.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).optional(),
});

/**
 * The tickets' read API: the list with its filters (newest first, paged by `before`), and one
 * ticket with its clocks, escalations, event log and classification (the rule that fired, why).
 */
const ticketRoutes: FastifyPluginAsync<{ tickets: TicketService }> = async (app, { tickets }) => {
  app.get(
    '/api/tickets',
    {
      config: {
        doc: {
          summary: 'Tickets, newest first, with filters; paged by `before`',
          tags: ['tickets'],
          query: listQuery,
        },
      },
    },
    async (request) => {
      const q = parseRequest(listQuery, request.query, 'query');
      const page = await tickets.list({
        ...(q.state ? { state: q.state } : {}),
        ...(q.severity ? { severity: q.severity as (1 | 2 | 3 | 4 | 5)[] } : {}),
        ...(q.domain ? { domain: q.domain } : {}),
        ...(q.site !== undefined ? { siteId: q.site } : {}),
        ...(q.frame !== undefined ? { frameId: q.frame } : {}),
        ...(q.blade !== undefined ? { bladeId: q.blade } : {}),
        ...(q.breached !== undefined ? { breached: q.breached } : {}),
        ...(q.test !== undefined ? { test: q.test } : {}),
        ...(q.parent !== undefined ? { parentId: String(q.parent) } : {}),
        ...(q.before !== undefined ? { before: q.before } : {}),
        ...(q.limit !== undefined ? { limit: q.limit } : {}),
      });
      return q.clocks ? { ...page, tickets: await tickets.withClocks(page.tickets) } : page;
    },
  );

  app.get(
    '/api/tickets/:id',
    {
      config: {
        doc: {
          summary: 'One ticket: view, clocks, escalations, event log, classification',
          tags: ['tickets'],
          params: ticketIdParams,
        },
      },
    },
    async (request) => {
      const { id } = parseRequest(ticketIdParams, request.params, 'params');
      const detail = await tickets.detail(id);
      if (!detail) throw new BladeframeError('BF_NOT_FOUND', `ticket ${id}`);
      return detail;
    },
  );
};

export default ticketRoutes;
