// What the collector benchmarks share: the broker (MQTT_URL, else an embedded aedes), a whole
// collector on a private store, a fleet of blades producing a realistic mix of messages, and a
// publisher that keeps a bounded number of messages ahead of whoever consumes them.
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { CollectorRuntime } from '../collector/runtime.js';
import { startTestBroker, type TestBroker } from '../test/support/broker.js';
import { mosquittoInstalled, startDeployedMosquitto } from './deployed-mosquitto.js';
import { startTestCollector, testCollectorConfig } from '../test/support/collector.js';
import { bytes, FakeBlade } from '../test/support/messages.js';
import { collectorStoreTargets, type TestDataLocation } from '../test/support/stores.js';
import { until } from '../test/support/wait.js';

export { collectorStoreTargets };

/**
 * The broker: the one named by BENCH_MQTT_URL; else, where Mosquitto is installed, a private
 * one with the deployment's queue settings; else MQTT_URL or an embedded aedes, as the tests.
 */
export async function benchBroker(): Promise<TestBroker & { name: string }> {
  const named = process.env.BENCH_MQTT_URL;
  if (named) {
    return {
      url: named,
      protocolVersion: 5,
      embedded: false,
      stop: async () => undefined,
      name: `BENCH_MQTT_URL (${named})`,
    };
  }
  if (mosquittoInstalled()) {
    const broker = await startDeployedMosquitto();
    return {
      ...broker,
      name: `a private Mosquitto with deploy/mosquitto's queue settings (${broker.url})`,
    };
  }
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
      if (this.next % faultEvery !== faultEvery - 1) {
        const blade = this.blades[this.next % this.blades.length]!;
        out.push({ topic: blade.topic('health'), payload: bytes(blade.health()) });
        continue;
      }
      // Faults strike blades spread over every frame (a stride prime to the fleet's size).
      const n = this.faults++;
      const blade = this.blades[(n * 37) % this.blades.length]!;
      const last = this.lastFault.get(blade);
      const repeat = last !== undefined && n % 2 === 1;
      const id = repeat ? last : `mc${n}/csrow0/ch0`;
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

/** What the publisher thread is asked to do. */
type Command =
  | { type: 'flood'; messages: BenchMessage[]; window: number }
  | { type: 'paced'; messages: BenchMessage[]; perSecond: number }
  | { type: 'settle' }
  | { type: 'close' };

/** Absolute milliseconds, comparable across threads. */
export const now = (): number => performance.timeOrigin + performance.now();

/**
 * Publishers (several connections, as many blades would be), QoS 1, on a thread of their own
 * (`publisher-worker.mjs`).
 */
export class Publisher {
  private constructor(
    private readonly channel: WorkerChannel<Command>,
    private readonly consumed: Int32Array,
  ) {}

  static async connect(broker: TestBroker, connections = 4): Promise<Publisher> {
    const consumed = new SharedArrayBuffer(4);
    const channel = await WorkerChannel.start<Command>('./publisher-worker.mjs', {
      url: broker.url,
      protocolVersion: broker.protocolVersion,
      connections,
      consumed,
    });
    return new Publisher(channel, new Int32Array(consumed));
  }

  private command(command: Command): Promise<Record<string, unknown>> {
    return this.channel.command(command);
  }

  /** Resolves when every publish so far has been acknowledged by the broker. */
  async settle(): Promise<void> {
    await this.command({ type: 'settle' });
  }

  /**
   * Publishes as fast as the consumer takes them, never more than `window` ahead of what it has
   * consumed (a real broker drops what queues beyond its limit, 1,000 by default on Mosquitto).
   * Resolves with the time from the first publish until the consumer has them all, in ms.
   */
  async flood(
    messages: readonly BenchMessage[],
    consumer: Progress,
    window = 500,
  ): Promise<number> {
    const base = consumer.consumed();
    Atomics.store(this.consumed, 0, 0);
    const off = consumer.listen((n) => {
      Atomics.store(this.consumed, 0, n - base);
      Atomics.notify(this.consumed, 0);
    });
    try {
      const started = this.command({ type: 'flood', messages: [...messages], window });
      while (consumer.consumed() - base < messages.length) {
        await stalled(consumer, base, messages.length);
      }
      const end = now();
      const { startedAt } = await started;
      return end - (startedAt as number);
    } finally {
      off();
    }
  }

  /** Publishes at `perSecond`; resolves with each new fault's publish time (see `now`). */
  async paced(messages: readonly BenchMessage[], perSecond: number): Promise<Map<string, number>> {
    const { times } = await this.command({ type: 'paced', messages: [...messages], perSecond });
    return new Map(times as [string, number][]);
  }

  async close(): Promise<void> {
    await this.command({ type: 'close' });
    await this.channel.terminate();
  }
}

/** A worker thread (a `.mjs` file beside this one) answering one command at a time. */
export class WorkerChannel<C extends { type: string }> {
  private pending: ((reply: Record<string, unknown>) => void) | undefined;
  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: Record<string, unknown>) => {
      const resolve = this.pending;
      this.pending = undefined;
      resolve?.(reply);
    });
    worker.on('error', (error) => this.pending?.({ ok: false, error: String(error) }));
  }

  /** Starts the worker and waits for its first message (ready, or why not). */
  static async start<C extends { type: string }>(
    file: string,
    workerData: unknown,
  ): Promise<WorkerChannel<C>> {
    const channel = new WorkerChannel<C>(
      new Worker(new URL(file, import.meta.url), { workerData }),
    );
    await channel.reply();
    return channel;
  }

  private reply(): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      this.pending = (reply) =>
        reply.ok ? resolve(reply) : reject(new Error(String(reply.error)));
    });
  }

  command(command: C): Promise<Record<string, unknown>> {
    const reply = this.reply();
    this.worker.postMessage(command);
    return reply;
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

/** Waits for the consumer's next progress; throws when there is none for 15 s (lost messages). */
async function stalled(consumer: Progress, base: number, total: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'stalled'>((resolve) => {
    timer = setTimeout(() => resolve('stalled'), 15_000);
  });
  const outcome = await Promise.race([consumer.progress(), timeout]);
  clearTimeout(timer);
  if (outcome === 'stalled') {
    throw new Error(`consumer stalled at ${consumer.consumed() - base} of ${total}`);
  }
}

/** A counter others can wait on: `progress()` resolves at the next `add`. */
export class Progress {
  private n = 0;
  private waiters: (() => void)[] = [];

  private listeners = new Set<(n: number) => void>();

  listen(listener: (n: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  add(count = 1): void {
    this.n += count;
    for (const listener of this.listeners) listener(this.n);
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

/**
 * A plain subscriber that only counts what it receives (QoS 1, acknowledged at once), on a
 * thread of its own (`bare-subscriber-worker.mjs`); its count is relayed to `counter` here.
 */
export async function bareSubscriber(
  broker: TestBroker,
  site: string,
): Promise<{ counter: Progress; close(): Promise<void> }> {
  const counter = new Progress();
  const shared = new SharedArrayBuffer(4);
  const count = new Int32Array(shared);
  const channel = await WorkerChannel.start<{ type: 'close' }>('./bare-subscriber-worker.mjs', {
    url: broker.url,
    protocolVersion: broker.protocolVersion,
    site,
    count: shared,
  });
  let open = true;
  const relay = (async () => {
    let seen = 0;
    while (open) {
      const value = Atomics.load(count, 0);
      if (value > seen) {
        counter.add(value - seen);
        seen = value;
      } else await new Promise((resolve) => setTimeout(resolve, 1));
    }
  })();
  return {
    counter,
    close: async () => {
      open = false;
      await relay;
      await channel.command({ type: 'close' });
      await channel.terminate();
    },
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
