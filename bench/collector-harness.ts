// What the collector benchmarks share: the broker (MQTT_URL, else an embedded aedes), a whole
// collector on a private store, a fleet of blades producing a realistic mix of messages, and a
// publisher that keeps a bounded number of messages ahead of whoever consumes them.
import { performance } from 'node:perf_hooks';
import mqtt, { type MqttClient } from 'mqtt';
import type { CollectorRuntime } from '../collector/runtime.js';
import { startTestBroker, type TestBroker } from '../test/support/broker.js';
import { startTestCollector, testCollectorConfig } from '../test/support/collector.js';
import { bytes, FakeBlade } from '../test/support/messages.js';
import { collectorStoreTargets, type TestDataLocation } from '../test/support/stores.js';
import { until } from '../test/support/wait.js';

export { collectorStoreTargets };

export async function benchBroker(): Promise<TestBroker & { name: string }> {
  const broker = await startTestBroker();
  return { ...broker, name: broker.embedded ? 'embedded aedes' : `MQTT_URL (${broker.url})` };
}

export function benchSite(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
}

/** A collector on its own store, reading only `site`, subscribed and ready. */
export async function benchCollector(
  broker: TestBroker,
  site: string,
  location: TestDataLocation,
): Promise<CollectorRuntime> {
  const runtime = await startTestCollector(testCollectorConfig(broker, site, location));
  await until(() => runtime.ingest!.status().subscribed, { what: 'subscription' });
  return runtime;
}

export interface BenchMessage {
  topic: string;
  payload: Buffer;
  /** Set on a fault no ticket exists for yet: `blade|component`, as the opened ticket names it. */
  newFault?: string;
}

export const faultKey = (bladeId: string | null, componentId: string): string =>
  `${bladeId ?? ''}|${componentId}`;

/**
 * Blades of one site sending what agents send: health snapshots mostly, and fault events, half
 * of them new faults (a ticket opens), half repeats of the blade's last fault (an occurrence).
 */
export class BenchFleet {
  readonly blades: FakeBlade[] = [];
  private readonly lastFault = new Map<FakeBlade, string>();
  private faults = 0;
  private next = 0;

  constructor(
    readonly site: string,
    frames = 20,
    perFrame = 10,
  ) {
    for (let f = 0; f < frames; f++) {
      for (let b = 0; b < perFrame; b++) {
        this.blades.push(new FakeBlade({ site, frame: `f${f}`, blade: `f${f}b${b}` }));
      }
    }
  }

  births(): BenchMessage[] {
    return this.blades.map((b) => ({ topic: b.topic('birth'), payload: bytes(b.birth()) }));
  }

  /** `n` messages; one in `faultEvery` is a fault event. */
  mix(n: number, faultEvery = 10): BenchMessage[] {
    const out: BenchMessage[] = [];
    for (let i = 0; i < n; i++, this.next++) {
      const blade = this.blades[this.next % this.blades.length]!;
      if (this.next % faultEvery !== faultEvery - 1) {
        out.push({ topic: blade.topic('health'), payload: bytes(blade.health()) });
        continue;
      }
      const last = this.lastFault.get(blade);
      const repeat = last !== undefined && this.faults++ % 2 === 1;
      const id = repeat ? last : `mc${this.faults}/csrow0/ch0`;
      const event = blade.event('memory.ecc.uncorrectable', 'active', {
        kind: 'dimm',
        id,
        location: null,
      });
      if (!repeat) this.lastFault.set(blade, id);
      out.push({
        topic: blade.topic('event'),
        payload: bytes(event),
        ...(repeat ? {} : { newFault: faultKey(blade.address.blade, id) }),
      });
    }
    return out;
  }
}

/** Publishers (several connections, as many blades would be), QoS 1. */
export class Publisher {
  private turn = 0;
  private constructor(private readonly clients: MqttClient[]) {}

  static async connect(broker: TestBroker, connections = 4): Promise<Publisher> {
    const clients = await Promise.all(
      Array.from({ length: connections }, (_, i) =>
        mqtt.connectAsync(broker.url, {
          protocolVersion: broker.protocolVersion,
          clientId: `bench-pub-${process.pid}-${i}`,
          clean: true,
          reconnectPeriod: 0,
        }),
      ),
    );
    return new Publisher(clients);
  }

  publish(message: BenchMessage): void {
    const client = this.clients[this.turn++ % this.clients.length]!;
    client.publish(message.topic, message.payload, { qos: 1 });
  }

  /** Resolves when every publish so far has been acknowledged by the broker. */
  async settle(): Promise<void> {
    await until(() => this.clients.every((c) => Object.keys(c.outgoing).length === 0), {
      what: 'publishes acknowledged',
      timeoutMs: 60_000,
    });
  }

  /**
   * Publishes as fast as the consumer takes them, never more than `window` ahead of what it has
   * consumed (a real broker drops what queues beyond its limit, 1,000 by default on Mosquitto).
   * Resolves with the time from the first publish until the consumer has them all, in ms.
   */
  async flood(
    messages: readonly BenchMessage[],
    consumer: { consumed(): number; progress(): Promise<void> },
    window = 500,
  ): Promise<number> {
    const start = performance.now();
    const base = consumer.consumed();
    let sent = 0;
    while (sent < messages.length) {
      const room = window - (sent - (consumer.consumed() - base));
      if (room <= 0) {
        await stalled(consumer, base, sent, messages.length);
        continue;
      }
      const upTo = Math.min(messages.length, sent + Math.min(room, 100));
      while (sent < upTo) this.publish(messages[sent++]!);
      // Let the socket write and the consumer run.
      await new Promise((resolve) => setImmediate(resolve));
    }
    while (consumer.consumed() - base < messages.length) {
      await stalled(consumer, base, sent, messages.length);
    }
    return performance.now() - start;
  }

  /**
   * Publishes at `perSecond`, in 10 ms ticks, calling `sent` with each message's publish time.
   */
  async paced(
    messages: readonly BenchMessage[],
    perSecond: number,
    sent: (message: BenchMessage, at: number) => void,
  ): Promise<void> {
    const start = performance.now();
    let i = 0;
    while (i < messages.length) {
      const due = Math.min(
        messages.length,
        Math.floor(((performance.now() - start) * perSecond) / 1000),
      );
      while (i < due) {
        const m = messages[i++]!;
        sent(m, performance.now());
        this.publish(m);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.endAsync()));
  }
}

/** Waits for the consumer's next progress; throws when there is none for 15 s (lost messages). */
async function stalled(
  consumer: { consumed(): number; progress(): Promise<void> },
  base: number,
  sent: number,
  total: number,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'stalled'>((resolve) => {
    timer = setTimeout(() => resolve('stalled'), 15_000);
  });
  const outcome = await Promise.race([consumer.progress(), timeout]);
  clearTimeout(timer);
  if (outcome === 'stalled') {
    throw new Error(
      `consumer stalled at ${consumer.consumed() - base} of ${total} (${sent} published)`,
    );
  }
}

/** A counter others can wait on: `progress()` resolves at the next `add`. */
export class Progress {
  private n = 0;
  private waiters: (() => void)[] = [];

  add(count = 1): void {
    this.n += count;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  consumed(): number {
    return this.n;
  }

  progress(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

/** A plain subscriber that only counts what it receives (QoS 1, acknowledged at once). */
export async function bareSubscriber(
  broker: TestBroker,
  site: string,
): Promise<{ counter: Progress; close(): Promise<void> }> {
  const counter = new Progress();
  const client = await mqtt.connectAsync(broker.url, {
    protocolVersion: broker.protocolVersion,
    clientId: `bench-bare-${process.pid}-${Math.random().toString(36).slice(2, 7)}`,
    clean: true,
    reconnectPeriod: 0,
  });
  client.on('message', () => counter.add());
  await client.subscribeAsync(`bladeframe/v1/${site}/+/+/#`, { qos: 1 });
  return { counter, close: () => client.endAsync() };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
