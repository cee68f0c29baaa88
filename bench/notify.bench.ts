// Notification throughput, as ratios within one run: queueing (reading the ticket log past the
// cursor, building each notice with its clocks, routing, inserting the deliveries) against
// opening the same tickets, and sending signed webhooks to a local receiver, one receiver (its
// deliveries strictly one after another) against eight side by side. SQLite always; PostgreSQL
// too when DATABASE_URL names one.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { Notifier } from '../collector/notify/notifier.js';
import { loadContract } from '../collector/sla/load-contract.js';
import { openStore, type Store } from '../collector/store/open-store.js';
import { TicketService, type ObservationInput } from '../collector/tickets/ticket-service.js';
import { ManualClock } from '../shared/clock.js';
import { notifyConfigSchema } from '../shared/config/notify-config.js';

const N = 600;
const contract = loadContract();

function observation(i: number, at: string): ObservationInput {
  return {
    source: 'call-home',
    signal: 'memory.ecc.uncorrectable',
    status: 'active',
    component: { kind: 'dimm', id: 'mc0/csrow0/ch0', location: null },
    evidence: { count: 1, delta: 1 },
    summary: 'uncorrectable',
    siteId: i % 2 ? 'nj1' : 'ny2',
    frameId: `f${i}`,
    bladeId: `b${i}`,
    environment: 'production',
    observedAt: at,
    receivedAt: at,
  };
}

async function receiver(): Promise<{ url: string; count: () => number; close: () => void }> {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      n++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, count: () => n, close: () => server.close() };
}

async function run(name: string, open: () => Promise<Store>): Promise<void> {
  const hooks = await receiver();
  for (const targets of [1, 8]) {
    const store = await open();
    try {
      const clock = new ManualClock('2026-01-05T14:00:00Z');
      const tickets = new TicketService({ db: store.db, clock, contract });
      const config = notifyConfigSchema.parse({
        webhooks: Array.from({ length: targets }, (_, i) => ({
          name: `hook-${i}`,
          url: hooks.url,
          secret: 'a-benchmark-shared-secret',
          events: ['opened'],
        })),
        delivery: { concurrency: 8 },
      });
      const notifier = new Notifier({ db: store.db, clock, config, contract });
      const count = targets === 1 ? N : N / 8;
      const at = clock.now().toISOString();
      let t0 = performance.now();
      for (let i = 0; i < count; i++) await tickets.recordObservation(observation(i, at));
      const openMs = performance.now() - t0;
      t0 = performance.now();
      const queued = await notifier.queueNew();
      const queueMs = performance.now() - t0;
      const before = hooks.count();
      t0 = performance.now();
      await notifier.runDue();
      const sendMs = performance.now() - t0;
      const sent = hooks.count() - before;
      if (targets === 1) {
        console.log(
          `${name}: tickets opened ${rate(count, openMs)}/s; queued ${rate(count, queueMs)} events/s` +
            ` (${(queueMs / openMs).toFixed(2)}× the time of opening them)`,
        );
      }
      console.log(
        `${name}: ${targets} receiver(s): ${queued} deliveries, sent ${rate(sent, sendMs)}/s`,
      );
      await notifier.stop();
    } finally {
      await store.close();
    }
  }
  hooks.close();
}

function rate(n: number, ms: number): string {
  return Math.round(n / (ms / 1000)).toLocaleString('en-US');
}

async function postgres(url: string): Promise<Store> {
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const store = await openStore({ databaseUrl: url, pgSchema: schema });
  return {
    ...store,
    async close() {
      await store.close();
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      await cleanup.query(`DROP SCHEMA ${schema} CASCADE`);
      await cleanup.end();
    },
  };
}

await run('SQLite', () => openStore({ sqliteFile: ':memory:' }));
const url = process.env.DATABASE_URL;
if (url?.startsWith('postgres')) await run('PostgreSQL', () => postgres(url));
