import type { FastifyPluginAsync } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';

export interface HealthSources {
  store: { dialect: string; location: string };
  /** The broker session, when ingest runs. */
  broker?: () => { connected: boolean } & Record<string, unknown>;
  /** Ingest figures, when ingest runs: `lagMs` is the age of the oldest message not yet durable. */
  ingest?: () => { lagMs: number; storeAvailable: boolean } & Record<string, unknown>;
  /** Lag above which ingest counts as unhealthy. */
  maxLagMs?: number;
  /**
   * The notification queue, for information: a receiver that is down is the receiver's trouble,
   * so it never makes the collector unhealthy.
   */
  notify?: () => Promise<Record<string, unknown>>;
}

/** `GET /healthz`: 200 when store, broker and ingest are well, 503 with the same report if not. */
const healthRoutes: FastifyPluginAsync<{ db: Kysely<Database>; sources: HealthSources }> = async (
  app,
  { db, sources },
) => {
  app.get('/healthz', async (_request, reply) => {
    let store: Record<string, unknown>;
    try {
      await sql`select 1`.execute(db);
      store = { ok: true, ...sources.store };
    } catch (error) {
      store = { ok: false, ...sources.store, error: (error as Error).message };
    }
    const broker = sources.broker
      ? { ok: sources.broker().connected, ...sources.broker() }
      : undefined;
    const ingestStats = sources.ingest?.();
    const ingest = ingestStats
      ? {
          ok: ingestStats.storeAvailable && ingestStats.lagMs <= (sources.maxLagMs ?? 30_000),
          ...ingestStats,
        }
      : undefined;
    const ok = store.ok === true && (broker?.ok ?? true) && (ingest?.ok ?? true);
    const notify = store.ok === true ? await sources.notify?.().catch(() => undefined) : undefined;
    return reply
      .status(ok ? 200 : 503)
      .send({ status: ok ? 'ok' : 'degraded', store, broker, ingest, notify });
  });
};

export default healthRoutes;
