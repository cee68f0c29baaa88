// Collector ingest end to end through the real broker (MQTT_URL, else an embedded aedes):
// messages validated, deduplicated, classified and durable in the store, as a ratio to a bare
// subscriber that only counts the same mix of messages in the same run; then fault-to-ticket
// latency (publish until the opened ticket's batch is committed) at a paced 1,000 messages/s.
// SQLite always; PostgreSQL too when DATABASE_URL names one.
import { performance } from 'node:perf_hooks';
import type { CollectorRuntime } from '../collector/runtime.js';
import {
  bareSubscriber,
  benchBroker,
  benchCollector,
  benchSite,
  BenchFleet,
  collectorStoreTargets,
  faultKey,
  fmt,
  now,
  percentile,
  Progress,
  Publisher,
} from './collector-harness.js';

const N = 8000;
const ROUNDS = 5;
/** Messages of each mix before the timed rounds: a collector runs for months, so JIT compilation
 * and the store's first pages are left out, as they are for the baseline. */
const WARM_UP = 8000;
const RATE = 1000;
const PACED_SECONDS = 10;
const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 50;
/** A fleet's ordinary day: health snapshots, and a fault now and then. */
const DAY_FAULT_EVERY = 1000;

const broker = await benchBroker();
const publisher = await Publisher.connect(broker);
console.log(
  `broker: ${broker.name}; ${N} messages a round, best of ${ROUNDS}; two mixes: a storm ` +
    `(1 in 10 a fault, storms in every frame) and a fleet's day (1 in ${DAY_FAULT_EVERY})`,
);

let misses = 0;
try {
  for (const target of collectorStoreTargets) await run(target);
} finally {
  await publisher.close();
  await broker.stop();
}
// A missed target is reported, not an error: the figures are what the run is for.
if (misses > 0) console.log(`${misses} target(s) missed`);

async function run(target: (typeof collectorStoreTargets)[number]): Promise<void> {
  const location = await target.create();
  const site = benchSite('benchc');
  const runtime = await benchCollector(broker, site, location);
  try {
    const fleet = new BenchFleet(site);
    const bareFleet = new BenchFleet(benchSite('benchb'));
    const ingested = new Progress();
    runtime.pipeline!.onCommit((o) => ingested.add(o.processed + o.duplicates + o.deadLetters));

    // Every round's messages are made before any is sent: making them on this thread, the
    // collector's, while it is timed would charge it the garbage (the baseline has its own).
    const made = (f: BenchFleet) => ({
      warmUp: [f.mix(WARM_UP), f.mix(WARM_UP, DAY_FAULT_EVERY)],
      rounds: Array.from({ length: ROUNDS }, () => ({
        storm: f.mix(N),
        day: f.mix(N, DAY_FAULT_EVERY),
      })),
    });
    const births = fleet.births();
    const mine = made(fleet);
    const theirs = made(bareFleet);

    // Births first, and a warm-up of each mix, so neither side pays for first use.
    await publisher.flood(births, ingested);
    for (const messages of mine.warmUp) await publisher.flood(messages, ingested);

    let bare = Infinity;
    let ingest = Infinity;
    let bareDay = Infinity;
    let ingestDay = Infinity;
    // One bare subscriber for every round (Mosquitto 2.0.11 miscounted the queue of a second
    // one on the same topics and dropped its messages).
    const subscriber = await bareSubscriber(broker, bareFleet.site);
    try {
      for (const messages of theirs.warmUp) await publisher.flood(messages, subscriber.counter);
      for (let round = 0; round < ROUNDS; round++) {
        const [b, c] = [theirs.rounds[round]!, mine.rounds[round]!];
        bare = Math.min(bare, await publisher.flood(b.storm, subscriber.counter));
        ingest = Math.min(ingest, await publisher.flood(c.storm, ingested));
        bareDay = Math.min(bareDay, await publisher.flood(b.day, subscriber.counter));
        ingestDay = Math.min(ingestDay, await publisher.flood(c.day, ingested));
      }
    } finally {
      await subscriber.close();
    }
    await publisher.settle();
    const stored = await countMessages(runtime);
    console.log(`${target.name}:`);
    report('storm mix', bare, ingest);
    report("fleet's day", bareDay, ingestDay);
    const stats = runtime.pipeline!.stats();
    console.log(
      `  ${fmt(stored)} messages stored, ${fmt(stats.batches)} batches ` +
        `(${(stats.processed / stats.batches).toFixed(1)} a batch on average)`,
    );
    await latency(runtime, fleet, ingested);
  } finally {
    await runtime.stop();
    await location.drop();
  }
}

function report(mix: string, bare: number, ingest: number): void {
  const ratio = bare / ingest;
  const ok = ratio >= TARGET_RATIO;
  if (!ok) misses++;
  console.log(`  ${mix}: bare subscriber ${fmt((N / bare) * 1000)} msg/s (baseline)`);
  console.log(
    `  ${mix}: collector ingest ${fmt((N / ingest) * 1000)} msg/s  ${ratio.toFixed(2)} of ` +
      `baseline  ${ok ? 'PASS' : 'MISS'} (target ${TARGET_RATIO})`,
  );
}

/** Publish-to-committed-ticket latency of new faults at a paced rate. */
async function latency(
  runtime: CollectorRuntime,
  fleet: BenchFleet,
  ingested: Progress,
): Promise<void> {
  const messages = fleet.mix(RATE * PACED_SECONDS);
  const opened: string[] = [];
  const committedAt = new Map<string, number>();
  const offEvent = runtime.tickets!.onEvent((event) => {
    // Inside the ingest transaction: counted once its batch commits.
    if (event.type === 'opened') opened.push(faultKey(event.data.bladeId, event.data.component.id));
  });
  const offCommit = runtime.pipeline!.onCommit(() => {
    const at = now();
    for (const key of opened.splice(0)) committedAt.set(key, at);
  });
  const base = ingested.consumed();
  let publishedAt: Map<string, number>;
  try {
    publishedAt = await publisher.paced(messages, RATE);
    const end = performance.now() + 20_000;
    while (ingested.consumed() - base < messages.length && performance.now() < end) {
      await Promise.race([ingested.progress(), new Promise((r) => setTimeout(r, 500))]);
    }
  } finally {
    offEvent();
    offCommit();
  }
  const samples: number[] = [];
  for (const [key, at] of publishedAt) {
    const committed = committedAt.get(key);
    if (committed !== undefined) samples.push(committed - at);
  }
  samples.sort((a, b) => a - b);
  const p99 = percentile(samples, 99);
  const ok = samples.length === publishedAt.size && p99 < TARGET_P99_MS;
  if (!ok) misses++;
  console.log(
    `  fault to ticket at ${fmt(RATE)} msg/s for ${PACED_SECONDS} s: ${samples.length} of ` +
      `${publishedAt.size} new faults, p50 ${fmt(percentile(samples, 50), 1)} ms, ` +
      `p99 ${fmt(p99, 1)} ms, max ${fmt(samples.at(-1) ?? NaN, 1)} ms  ` +
      `${ok ? 'PASS' : 'MISS'} (target p99 < ${TARGET_P99_MS} ms)`,
  );
}

/** Messages stored: identity rows, and health snapshots (a health message's identity). */
async function countMessages(runtime: CollectorRuntime): Promise<number> {
  const db = runtime.store!.db;
  let total = 0;
  for (const table of ['ingest_messages', 'health_snapshots'] as const) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    total += Number(row?.n ?? 0);
  }
  return total;
}
