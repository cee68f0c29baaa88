import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Clock } from '../../../shared/clock.js';
import { NOTIFY_EVENT_TYPES } from '../../../shared/config/notify-config.js';
import { BladeframeError } from '../../../shared/errors.js';
import { requirePermission } from '../../auth/auth-hooks.js';
import type { AuthService } from '../../auth/auth-service.js';
import {
  countDeliveries,
  getDelivery,
  listDeliveries,
  retryDelivery,
} from '../../notify/delivery-store.js';
import { DELIVERY_CHANNELS, DELIVERY_STATUSES } from '../../notify/tables.js';
import type { Database } from '../../store/schema.js';
import { parseRequest } from '../errors.js';

/** `a,b` or a repeated parameter, as a list of allowed values. */
function list<T extends readonly [string, ...string[]]>(values: T) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((v) =>
      (Array.isArray(v) ? v : [v])
        .flatMap((s) => s.split(','))
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)).min(1));
}

const id = z.string().regex(/^[1-9]\d{0,15}$/, 'must be a delivery id');
const idParams = z.object({ id });
const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO time' });

const listQuery = z.strictObject({
  status: list(DELIVERY_STATUSES).optional(),
  channel: z.enum(DELIVERY_CHANNELS).optional(),
  target: z.string().min(1).max(320).optional(),
  ticket: z
    .string()
    .regex(/^[1-9]\d{0,15}$/, 'must be a ticket id')
    .optional(),
  event: list([...NOTIFY_EVENT_TYPES, 'mail'] as const).optional(),
  since: isoTime.optional(),
  until: isoTime.optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export interface NotificationRoutesOptions {
  db: Kysely<Database>;
  clock: Clock;
  auth: AuthService;
  /** Wakes the delivery worker after a retry. */
  poke?: () => void;
}

/**
 * The delivery log of webhooks and email (newest first, with filters and paging by `before`),
 * one delivery with its payload, and an admin's retry of a failed one.
 */
const notificationRoutes: FastifyPluginAsync<NotificationRoutesOptions> = async (app, options) => {
  const { db, clock, auth } = options;

  app.get(
    '/api/notifications/deliveries',
    {
      preHandler: requirePermission(auth, 'read'),
      config: {
        access: 'read',
        doc: {
          summary: 'The webhook and email delivery log',
          description:
            'Newest first, paged with `before` (the last id of a page, given as `next`). `counts` are over every delivery.',
          tags: ['notifications'],
          query: listQuery,
        },
      },
    },
    async (request) => {
      const q = parseRequest(listQuery, request.query, 'query');
      const deliveries = await listDeliveries(db, {
        ...(q.status ? { status: q.status } : {}),
        ...(q.channel ? { channel: q.channel } : {}),
        ...(q.target
          ? { target: q.channel === 'webhook' ? q.target : q.target.toLowerCase() }
          : {}),
        ...(q.ticket ? { ticketId: q.ticket } : {}),
        ...(q.event ? { eventType: q.event } : {}),
        ...(q.since ? { since: new Date(q.since).toISOString() } : {}),
        ...(q.until ? { until: new Date(q.until).toISOString() } : {}),
        ...(q.before !== undefined ? { before: q.before } : {}),
        limit: q.limit,
      });
      return {
        counts: await countDeliveries(db),
        deliveries,
        next: deliveries.length === q.limit ? Number(deliveries.at(-1)!.id) : null,
      };
    },
  );

  app.get(
    '/api/notifications/deliveries/:id',
    {
      preHandler: requirePermission(auth, 'read'),
      config: {
        access: 'read',
        doc: {
          summary: 'One delivery with its payload (webhook body or email)',
          tags: ['notifications'],
          params: idParams,
          errors: ['BF_NOT_FOUND'],
        },
      },
    },
    async (request) => {
      const params = parseRequest(idParams, request.params, 'params');
      const delivery = await getDelivery(db, params.id);
      if (!delivery) {
        throw new BladeframeError('BF_NOT_FOUND', `no delivery ${params.id}`, [`id: ${params.id}`]);
      }
      return delivery;
    },
  );

  app.post(
    '/api/notifications/deliveries/:id/retry',
    {
      preHandler: requirePermission(auth, 'admin'),
      config: {
        access: 'admin',
        doc: {
          summary: 'Send a failed delivery again (a pending one: now)',
          description:
            'A failed delivery is queued again with its attempts reset; a delivered one is refused with 409.',
          tags: ['notifications'],
          params: idParams,
          errors: ['BF_NOT_FOUND', 'BF_CONFLICT'],
        },
      },
    },
    async (request) => {
      const params = parseRequest(idParams, request.params, 'params');
      const delivery = await retryDelivery(
        db,
        params.id,
        clock.now().toISOString(),
        request.principal?.userId ?? null,
      );
      request.log.info(
        { deliveryId: delivery.id, by: request.principal?.userId },
        'delivery retry requested',
      );
      options.poke?.();
      return delivery;
    },
  );
};

export default notificationRoutes;
