import type { Kysely } from 'kysely';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { AnyTicketEvent } from '../domain/ticket-events.js';
import type { Database } from '../store/schema.js';
import type { TicketService } from '../tickets/ticket-service.js';
import type { HealthSources } from './routes/healthz.js';
import type { StreamHub } from './stream/stream-hub.js';

export interface MetricsSources {
  db: Kysely<Database>;
  tickets: TicketService;
  ingest?: HealthSources['ingest'];
  stream?: StreamHub | undefined;
}

const SEVERITIES = ['1', '2', '3', '4', '5'];

/**
 * The Prometheus registry of one collector: ingest (messages in by outcome, lag, pending), dead
 * letters, tickets (open by severity and state, breached), the clock events this process
 * recorded, fleet states, the stream, and the process itself. Figures from the store are read
 * at scrape time, so every collector of a shared store reports the same totals for those.
 */
export function createMetrics(sources: MetricsSources): { registry: Registry; close(): void } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'bladeframe_' });
  const { db } = sources;

  new Counter({
    name: 'bladeframe_ingest_messages_total',
    help: 'MQTT messages taken in by this collector, by outcome',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      const stats = sources.ingest?.();
      this.reset();
      if (!stats) return;
      this.inc({ outcome: 'processed' }, Number(stats.processed ?? 0));
      this.inc({ outcome: 'duplicate' }, Number(stats.duplicates ?? 0));
      this.inc({ outcome: 'dead_letter' }, Number(stats.deadLetters ?? 0));
    },
  });
  new Gauge({
    name: 'bladeframe_ingest_lag_seconds',
    help: 'Age of the oldest message received and not yet durable',
    registers: [registry],
    collect() {
      this.set((sources.ingest?.().lagMs ?? 0) / 1000);
    },
  });
  new Gauge({
    name: 'bladeframe_ingest_pending_messages',
    help: 'Messages received and not yet durable',
    registers: [registry],
    collect() {
      this.set(Number(sources.ingest?.().pending ?? 0));
    },
  });
  new Gauge({
    name: 'bladeframe_dead_letters',
    help: 'Dead letters kept in the store (invalid or unprocessable input)',
    registers: [registry],
    async collect() {
      const row = await db
        .selectFrom('dead_letters')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirst();
      this.set(Number(row?.n ?? 0));
    },
  });
  new Gauge({
    name: 'bladeframe_tickets_open',
    help: 'Tickets not closed (test calls excluded), by severity and state',
    labelNames: ['severity', 'state'],
    registers: [registry],
    async collect() {
      const rows = await db
        .selectFrom('tickets')
        .select(['severity', 'state', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('state', '!=', 'closed')
        .where('test', '=', 0)
        .groupBy(['severity', 'state'])
        .execute();
      this.reset();
      for (const severity of SEVERITIES) this.set({ severity, state: 'open' }, 0);
      for (const row of rows) {
        this.set({ severity: String(row.severity), state: row.state }, Number(row.n));
      }
    },
  });
  new Gauge({
    name: 'bladeframe_tickets_breached_open',
    help: 'Tickets not closed with at least one breached clock, by severity',
    labelNames: ['severity'],
    registers: [registry],
    async collect() {
      const rows = await db
        .selectFrom('tickets')
        .select(['severity', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('state', '!=', 'closed')
        .where('test', '=', 0)
        .where('breached', '=', 1)
        .groupBy('severity')
        .execute();
      for (const severity of SEVERITIES) this.set({ severity }, 0);
      for (const row of rows) this.set({ severity: String(row.severity) }, Number(row.n));
    },
  });
  const clockEvents = new Counter({
    name: 'bladeframe_clock_events_total',
    help: 'Clock warnings, breaches and escalations recorded by this collector',
    labelNames: ['type', 'clock'],
    registers: [registry],
  });
  new Gauge({
    name: 'bladeframe_blades',
    help: 'Blades of the registry by liveness state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const rows = await db
        .selectFrom('blades')
        .select(['state', (eb) => eb.fn.countAll<number | string>().as('n')])
        .groupBy('state')
        .execute();
      for (const state of ['online', 'offline', 'silent', 'stopped']) this.set({ state }, 0);
      for (const row of rows) this.set({ state: row.state }, Number(row.n));
    },
  });
  if (sources.stream) {
    const stream = sources.stream;
    new Gauge({
      name: 'bladeframe_stream_clients',
      help: 'Live stream clients connected',
      registers: [registry],
      collect() {
        this.set(stream.stats().clients);
      },
    });
    new Counter({
      name: 'bladeframe_stream_messages_total',
      help: 'Stream messages read from the store and fanned out',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(stream.stats().messages);
      },
    });
    new Counter({
      name: 'bladeframe_stream_dropped_total',
      help: 'Stream clients dropped, by reason',
      labelNames: ['reason'],
      registers: [registry],
      collect() {
        const stats = stream.stats();
        this.reset();
        this.inc({ reason: 'slow' }, stats.droppedSlow);
        this.inc({ reason: 'no_pong' }, stats.droppedDead);
      },
    });
  }

  const unsubscribe = sources.tickets.onEvent((event: AnyTicketEvent) => {
    if (event.type === 'clock-warning' || event.type === 'clock-breached') {
      clockEvents.inc({ type: event.type, clock: event.data.clock });
    } else if (event.type === 'escalated') {
      clockEvents.inc({ type: event.type, clock: '' });
    }
  });
  return { registry, close: unsubscribe };
}
