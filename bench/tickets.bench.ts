// Ticket service and clock engine throughput, as ratios to bare inserts of the same rows in the
// same run: observations opening tickets, repeats folded into occurrences (the hot path of a
// noisy fault), and the clock engine recording due events. SQLite always; PostgreSQL too when
// DATABASE_URL names one.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { ManualClock } from '../shared/clock.js';
import { loadContract } from '../collector/sla/load-contract.js';
import { openStore, type Store } from '../collector/store/open-store.js';
import { ClockEngine } from '../collector/tickets/clock-engine.js';
import { TicketService, type ObservationInput } from '../collector/tickets/ticket-service.js';

const N = 2000;
const BATCH = 100;
const ROUNDS = 3;
const contract = loadContract();

function observation(i: number, at: string, round = 0): ObservationInput {
  return {
    source: 'call-home',
    signal: 'memory.ecc.correctable',
    status: 'active',
    component: { kind: 'dimm', id: `mc0/csrow${i % 8}/ch0`, location: null },
    evidence: { count: i, delta: 1, ratePerHour: 20, threshold: 10 },
    summary: 'correctable burst',
    siteId: 'nj1',
    frameId: `f${round}-${i}`,
    bladeId: `b${round}-${i}`,
    environment: 'production',
    observedAt: at,
    receivedAt: at,
  };
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function batches(store: Store, fn: (i: number, tx: Store['db']) => Promise<unknown>) {
  for (let from = 0; from < N; from += BATCH) {
    await store.db.transaction().execute(async (tx) => {
      for (let i = from; i < Math.min(N, from + BATCH); i++) await fn(i, tx);
    });
  }
}

async function run(name: string, open: () => Promise<Store>): Promise<void> {
  const store = await open();
  try {
    const clock = new ManualClock('2026-01-05T14:00:00Z');
    const service = new TicketService({ db: store.db, clock, contract });
    const at = clock.now().toISOString();

    // Baseline: the bare event rows, one insert each, in the same batches.
    const [seed] = await store.db
      .insertInto('tickets')
      .values({
        fingerprint: 'bench',
        active_fingerprint: null,
        parent_id: null,
        source: 'fleet',
        signal: 'test.call',
        component_kind: 'agent',
        component_id: 'a',
        site_id: 'nj1',
        frame_id: null,
        blade_id: null,
        environment: 'production',
        domain: 'undetermined',
        severity: 4,
        service_severity: 4,
        state: 'open',
        test: 1,
        rule_id: 'bench',
        summary: 'bench',
        opened_at: at,
        detected_at: at,
        last_seen_at: at,
        occurrences: 1,
        breached: 0,
        last_seq: 0,
        updated_at: at,
        clock_due_at: null,
      })
      .returning('id')
      .execute();
    const payload = JSON.stringify(observation(0, at));
    // Best of three interleaved rounds, so a busy neighbour on the machine disturbs all alike.
    let bare = Infinity;
    let opens = Infinity;
    let repeats = Infinity;
    let seq = 0;
    for (let round = 0; round < ROUNDS; round++) {
      bare = Math.min(
        bare,
        await timed(() =>
          batches(store, (_i, tx) =>
            tx
              .insertInto('ticket_events')
              .values({
                ticket_id: Number(seed!.id),
                seq: ++seq,
                at,
                type: 'occurrence',
                actor: '{"kind":"system","id":"bench"}',
                data: payload,
                dedupe_key: null,
              })
              .execute(),
          ),
        ),
      );
      opens = Math.min(
        opens,
        await timed(() =>
          batches(store, (i, tx) => service.recordObservation(observation(i, at, round), tx)),
        ),
      );
      repeats = Math.min(
        repeats,
        await timed(() =>
          batches(store, (i, tx) => service.recordObservation(observation(i, at, round), tx)),
        ),
      );
    }
    // Every ticket gets its first due events a day later (breach and escalations).
    clock.set('2026-01-06T14:00:00Z');
    const engine = new ClockEngine({ tickets: service, pollIntervalMs: 86_400_000 });
    const engineMs = await timed(() => engine.start());
    await engine.stop();
    const rows = await store.db.selectFrom('ticket_events').select('id').execute();
    const rate = (ms: number, n = N) => Math.round((n / ms) * 1000);
    console.log(`${name}: ${N} observations in batches of ${BATCH}, best of ${ROUNDS}`);
    console.log(`  bare event inserts     ${rate(bare)}/s (baseline)`);
    console.log(
      `  new tickets            ${rate(opens)}/s  ${(bare / opens).toFixed(2)} of baseline`,
    );
    console.log(
      `  occurrences            ${rate(repeats)}/s  ${(bare / repeats).toFixed(2)} of baseline`,
    );
    console.log(
      `  clock engine           ${rate(engineMs, ROUNDS * N)} tickets/s (${ROUNDS * N} tickets, ` +
        `${rows.length - 3 * ROUNDS * N} warnings, breaches and escalations in ${engineMs.toFixed(0)} ms)`,
    );
  } finally {
    await store.close();
  }
}

await run('sqlite', () => openStore({ sqliteFile: ':memory:', sqliteSync: 'off' }));
await run('sqlite without the statement cache', () =>
  openStore({ sqliteFile: ':memory:', sqliteSync: 'off', sqliteStatementCache: false }),
);

const url = process.env.DATABASE_URL;
if (url?.startsWith('postgres')) {
  await run('postgres', async () => {
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
  });
}
