// The live stream's fan-out end to end: faults published over MQTT (MQTT_URL, else an embedded
// aedes) at a paced 1,000 messages/s, and the time until each WebSocket client of /api/stream
// sees the ticket opened, at p50/p99 over every client; 50 clients against one in the same run.
// The clients run on a thread of their own, the publisher on another. SQLite.
import {
  benchBroker,
  benchCollector,
  benchSite,
  BenchFleet,
  collectorStoreTargets,
  fmt,
  percentile,
  Publisher,
  WorkerChannel,
} from './collector-harness.js';

const RATE = 1000;
const SECONDS = 8;
const CLIENTS = 50;
const TARGET_P99_MS = 100;

type ClientCommand = { type: 'reset' } | { type: 'report' } | { type: 'close' };
interface ClientReport {
  seen: [string, number][];
  messages: number;
  open: boolean;
}

const broker = await benchBroker();
const publisher = await Publisher.connect(broker);
const location = await collectorStoreTargets[0]!.create();
const site = benchSite('benchs');
const runtime = await benchCollector(broker, site, location);
let missed = false;
try {
  const user = await runtime.auth!.createUser({ name: 'bench', role: 'operations' });
  const { token } = await runtime.auth!.issueToken(user.id);
  const url = new URL('/api/stream', runtime.httpUrl.replace(/^http/, 'ws'));
  url.searchParams.set('access_token', token);

  const fleet = new BenchFleet(site);
  await publisher.paced(fleet.births(), 2000);
  await publisher.paced(fleet.mix(1000), RATE);

  console.log(
    `broker: ${broker.name}; ${fmt(RATE)} msg/s for ${SECONDS} s (1 in 10 a fault, ` +
      `${fmt((RATE * SECONDS) / 20)} new faults)`,
  );
  let baseline = NaN;
  for (const clients of [1, CLIENTS]) {
    url.searchParams.set('since', runtime.stream!.stats().head);
    const channel = await WorkerChannel.start<ClientCommand>('./stream-clients-worker.mjs', {
      url: url.toString(),
      count: clients,
    });
    try {
      const published = await publisher.paced(fleet.mix(RATE * SECONDS), RATE);
      const publishEnd = Math.max(...published.values());
      await runtime.pipeline!.drain();
      await runtime.stream!.flush();
      // Let the last frames cross the sockets.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const { clients: reports } = (await channel.command({ type: 'report' })) as {
        clients: ClientReport[];
      };
      const samples: number[] = [];
      let lost = 0;
      let messages = 0;
      let lastSeen = 0;
      for (const report of reports) {
        const seen = new Map(report.seen);
        messages += report.messages;
        for (const [key, at] of published) {
          const got = seen.get(key);
          if (got === undefined) lost++;
          else {
            samples.push(got - at);
            lastSeen = Math.max(lastSeen, got);
          }
        }
      }
      samples.sort((a, b) => a - b);
      const p99 = percentile(samples, 99);
      const seconds = (Math.max(lastSeen, publishEnd) - Math.min(...published.values())) / 1000;
      if (clients === 1) baseline = p99;
      const ok = lost === 0 && p99 < TARGET_P99_MS && reports.every((r) => r.open);
      if (clients === CLIENTS && !ok) missed = true;
      console.log(
        `  ${String(clients).padStart(2)} client(s): fault to alert p50 ${fmt(percentile(samples, 50), 1)} ms, ` +
          `p99 ${fmt(p99, 1)} ms, max ${fmt(samples.at(-1) ?? NaN, 1)} ms` +
          (clients === 1 ? ' (baseline)' : ` (${(p99 / baseline).toFixed(2)}× the p99 of one)`) +
          `; ${fmt(messages / seconds)} stream messages/s delivered, ${lost} alerts lost` +
          (clients === CLIENTS
            ? `  ${ok ? 'PASS' : 'MISS'} (target p99 < ${TARGET_P99_MS} ms)`
            : ''),
      );
    } finally {
      await channel.command({ type: 'close' });
      await channel.terminate();
    }
  }
} finally {
  await runtime.stop();
  await location.drop();
  await publisher.close();
  await broker.stop();
}
if (missed) console.log('target missed');
