import websocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../../shared/clock.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { AuthService } from '../auth/auth-service.js';
import type { ReleaseNotices } from '../releases/release-notices.js';
import type { ReportScheduler } from '../reports/report-scheduler.js';
import type { ReportService } from '../reports/report-service.js';
import type { SparesService } from '../spares/spares-service.js';
import type { Database } from '../store/schema.js';
import type { TicketService } from '../tickets/ticket-service.js';
import type { ContractHolder } from '../sla/contract-holder.js';
import { VERSION } from '../../shared/version.js';
import { installAccessControl, type RouteEntry } from './access.js';
import { installErrorHandling } from './errors.js';
import bladesRoutes from './routes/blades.js';
import deadLetterRoutes from './routes/dead-letters.js';
import healthRoutes, { type HealthSources } from './routes/healthz.js';
import meRoutes from './routes/me.js';
import notificationRoutes from './routes/notifications.js';
import releaseRoutes from './routes/releases.js';
import reportRoutes from './routes/reports.js';
import spareRoutes from './routes/spares.js';
import ticketActionRoutes from './routes/ticket-actions.js';
import contractRoutes from './routes/contract.js';
import serviceRoutes from './routes/service.js';
import streamRoutes from './routes/stream.js';
import userRoutes from './routes/users.js';
import { createMetrics } from './metrics.js';
import ticketRoutes from './routes/tickets.js';
import webRoutes, { type WebOptions } from './routes/web.js';
import type { StreamHub } from './stream/stream-hub.js';
import { whenDurable } from '../store/durability.js';

export interface AppOptions {
  db: Kysely<Database>;
  clock: Clock;
  health: HealthSources;
  /** Resolves bearer tokens; every route under /api/ but the OpenAPI document needs one. */
  auth: AuthService;
  tickets: TicketService;
  /** The notification worker: woken when a delivery is retried. */
  notifications?: { poke(): void };
  /** The live stream; absent: no `/api/stream`. */
  stream?: StreamHub;
  /** The contract in force; absent: no `/api/contract`. */
  contract?: ContractHolder;
  /** Reported in the OpenAPI document (default: the package version). */
  version?: string;
  logger?: Logger;
  /** Contract reporting: SLR, reports, spare parts, releases (each route group when given). */
  reporting?: {
    reports: ReportService;
    scheduler?: ReportScheduler | undefined;
    spares?: SparesService | undefined;
    releases?: ReleaseNotices | undefined;
  };
  /** The dashboard at `/` (default: dist/web, built on demand from the sources); false: none. */
  web?: WebOptions | false;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with the access its guard enforces (for the OpenAPI document and tests). */
    routeEntries: RouteEntry[];
  }
}

/** The HTTP API, apart from any listening server (tests use `inject()`). */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: (options.logger ?? silentLogger).child({ module: 'http' }) as FastifyBaseLogger,
    // Requests are not logged one by one; errors are (see installErrorHandling).
    logController: new LogController({ disableRequestLogging: true }),
  });
  installErrorHandling(app);
  // A request that changed something is answered once the change would survive power loss.
  app.addHook('onSend', async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') await whenDurable(options.db);
  });
  // Before any route: every route registered from here on gets its access guard.
  app.decorate('routeEntries', installAccessControl(app, options.auth));
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(healthRoutes, { db: options.db, sources: options.health });
  await app.register(meRoutes);
  await app.register(ticketRoutes, { tickets: options.tickets });
  await app.register(ticketActionRoutes, { tickets: options.tickets });
  await app.register(bladesRoutes, { db: options.db, clock: options.clock });
  await app.register(deadLetterRoutes, { db: options.db });
  await app.register(notificationRoutes, {
    db: options.db,
    clock: options.clock,
    auth: options.auth,
    poke: () => options.notifications?.poke(),
  });
  const reporting = options.reporting;
  if (reporting) {
    await app.register(reportRoutes, {
      reports: reporting.reports,
      scheduler: reporting.scheduler,
    });
    if (reporting.spares) await app.register(spareRoutes, { spares: reporting.spares });
    if (reporting.releases) await app.register(releaseRoutes, { releases: reporting.releases });
  }
  if (options.web !== false) await app.register(webRoutes, options.web ?? {});
  if (options.stream) await app.register(streamRoutes, { hub: options.stream });
  await app.register(userRoutes, { auth: options.auth, clock: options.clock });
  if (options.contract) {
    await app.register(contractRoutes, {
      contract: options.contract,
      db: options.db,
      onChanged: () => options.stream?.poke(),
    });
  }
  const metrics = createMetrics({
    db: options.db,
    tickets: options.tickets,
    ingest: options.health.ingest,
    stream: options.stream,
  });
  app.addHook('onClose', async () => metrics.close());
  await app.register(serviceRoutes, {
    registry: metrics.registry,
    routes: app.routeEntries,
    version: options.version ?? VERSION,
  });
  return app;
}
