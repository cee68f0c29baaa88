import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../../shared/clock.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { Database } from '../store/schema.js';
import type { TicketService } from '../tickets/ticket-service.js';
import { installErrorHandling } from './errors.js';
import bladesRoutes from './routes/blades.js';
import deadLetterRoutes from './routes/dead-letters.js';
import healthRoutes, { type HealthSources } from './routes/healthz.js';
import ticketRoutes from './routes/tickets.js';

export interface AppOptions {
  db: Kysely<Database>;
  clock: Clock;
  health: HealthSources;
  /** The ticket service behind `/api/tickets`. */
  tickets: TicketService;
  logger?: Logger;
}

/** The HTTP API, apart from any listening server (tests use `inject()`). */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: (options.logger ?? silentLogger).child({ module: 'http' }) as FastifyBaseLogger,
    // Requests are not logged one by one; errors are (see installErrorHandling).
    logController: new LogController({ disableRequestLogging: true }),
  });
  installErrorHandling(app);
  await app.register(healthRoutes, { db: options.db, sources: options.health });
  await app.register(bladesRoutes, { db: options.db, clock: options.clock });
  await app.register(deadLetterRoutes, { db: options.db });
  await app.register(ticketRoutes, { tickets: options.tickets });
  return app;
}
