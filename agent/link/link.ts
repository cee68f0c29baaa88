import { EventEmitter } from 'node:events';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { AgentConfig } from '../../shared/config/agent-config.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { MessageFactory, Outgoing } from '../compose/messages.js';
import type { Outbox } from '../outbox/outbox.js';
import { reconnectDelay } from './backoff.js';

export type ConnectFn = (url: string, options: IClientOptions) => MqttClient;

export interface LinkOptions {
  config: AgentConfig;
  clientOptions: IClientOptions;
  outbox: Outbox;
  factory: MessageFactory;
  clock: Clock;
  logger?: Logger;
  /**
   * The birth message to send on every connection, and whether to announce availability
   * (retained `online`, a last will of `offline`). A one-shot sender (`test-event` with no agent
   * running) announces nothing.
   */
  birth?: () => Outgoing<'birth'>;
  announce: boolean;
  connect?: ConnectFn;
  random?: () => number;
}

const STOP_TIMEOUT_MS = 5000;

/**
 * The MQTT session. On every connection: a last will of `offline` (its seq reserved now), then
 * the birth message and the retained `online` state, then the outbox in order, up to
 * `mqtt.inflight` messages awaiting PUBACK at once; each record is deleted on its PUBACK. When
 * the connection drops, whatever was not acknowledged stays queued and is sent again, in order,
 * on the next connection (the collector drops the rare duplicate by its identity). Reconnects
 * back off exponentially on the injected clock.
 *
 * Events: `connected`, `disconnected` (with the reason), `refused` (a connection attempt failed,
 * with the reason), `delivered` (a queued record's ordinal).
 */
export class Link extends EventEmitter {
  private client: MqttClient | undefined;
  private generation = 0;
  private online = false;
  private stopping = false;
  private attempts = 0;
  private retry: TimerHandle | undefined;
  private readonly inflight = new Set<number>();
  /** The connection generation whose drain loop is running (one loop per connection). */
  private drainingFor = -1;

  constructor(private readonly options: LinkOptions) {
    super();
  }

  get connected(): boolean {
    return this.online;
  }

  private get log(): Logger {
    return this.options.logger ?? silentLogger;
  }

  start(): void {
    this.stopping = false;
    this.attempt();
  }

  /** New records are queued: send them if connected. */
  notify(): void {
    if (this.online && this.client) void this.drain(this.client, this.generation);
  }

  private attempt(): void {
    this.retry = undefined;
    if (this.stopping) return;
    const { config, factory } = this.options;
    const options: IClientOptions = { ...this.options.clientOptions };
    if (this.options.announce) {
      // The will's seq is reserved now; the broker publishes it only if this connection dies.
      const will = factory.state('offline', 'will');
      options.will = {
        topic: will.topic,
        payload: Buffer.from(JSON.stringify(will.payload)),
        qos: 1,
        retain: true,
      };
    }
    const generation = ++this.generation;
    const connect = this.options.connect ?? mqtt.connect;
    const client = connect(config.mqtt.url, options);
    this.client = client;
    client.on('connect', () => {
      if (generation === this.generation) this.onConnect(client, generation);
    });
    client.on('error', (error: Error & { code?: number | string }) => {
      if (generation !== this.generation) return;
      this.log.warn({ err: error.message, code: error.code }, 'mqtt connection error');
      if (!this.online) this.emit('refused', error.message);
    });
    client.on('close', () => {
      if (generation === this.generation) this.onClose(client, 'connection closed');
    });
  }

  private onConnect(client: MqttClient, generation: number): void {
    this.online = true;
    this.attempts = 0;
    this.log.info({ url: this.options.config.mqtt.url }, 'connected');
    const { factory, birth } = this.options;
    const announcements: Outgoing[] = [];
    if (birth) announcements.push(birth());
    if (this.options.announce) announcements.push(factory.state('online', 'connect'));
    for (const message of announcements) {
      client
        .publishAsync(message.topic, JSON.stringify(message.payload), {
          qos: 1,
          retain: message.retain,
        })
        .catch(() => undefined); // sent again on the next connection
    }
    this.emit('connected');
    void this.drain(client, generation);
  }

  private onClose(client: MqttClient, reason: string): void {
    const wasOnline = this.online;
    this.online = false;
    // A clean stop closes the connection itself, after the last acknowledgements.
    if (this.stopping) return;
    this.inflight.clear();
    this.generation++;
    if (this.client === client) this.client = undefined;
    client.removeAllListeners();
    client.on('error', () => undefined);
    client.end(true);
    if (wasOnline) {
      this.log.warn({ reason, queued: this.options.outbox.pending().length }, 'disconnected');
      this.emit('disconnected', reason);
    }
    const { min, max } = this.options.config.mqtt.reconnect;
    const delay = reconnectDelay(this.attempts++, min, max, this.options.random);
    this.log.debug({ delayMs: delay, attempt: this.attempts }, 'reconnecting');
    this.retry = this.options.clock.setTimeout(() => this.attempt(), delay);
  }

  /** Sends queued records in order while connected, up to the in-flight window. */
  private async drain(client: MqttClient, generation: number): Promise<void> {
    if (this.drainingFor === generation) return;
    this.drainingFor = generation;
    try {
      const { outbox } = this.options;
      const window = this.options.config.mqtt.inflight;
      while (this.online && !this.stopping && generation === this.generation) {
        if (this.inflight.size >= window) break;
        const next = outbox.pending().find((r) => !this.inflight.has(r.ordinal));
        if (!next) break;
        const payload = await outbox.payload(next.ordinal);
        if (generation !== this.generation) break;
        if (payload === null) {
          await outbox.remove(next.ordinal); // unreadable since it was queued: nothing to send
          continue;
        }
        this.inflight.add(next.ordinal);
        client.publishAsync(next.topic, payload, { qos: 1, retain: next.retain }).then(
          async () => {
            if (generation !== this.generation) return;
            this.inflight.delete(next.ordinal);
            await outbox.remove(next.ordinal);
            this.emit('delivered', next.ordinal);
            void this.drain(client, generation);
          },
          () => undefined, // the connection went: the record stays queued for the next one
        );
      }
    } finally {
      if (this.drainingFor === generation) this.drainingFor = -1;
    }
  }

  /**
   * A clean stop: the retained `offline` state (cause `shutdown`), then a normal DISCONNECT,
   * after which the broker discards the will.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.retry?.cancel();
    this.retry = undefined;
    const client = this.client;
    if (!client) return;
    if (this.online && this.options.announce) {
      const offline = this.options.factory.state('offline', 'shutdown');
      await withTimeout(
        client.publishAsync(offline.topic, JSON.stringify(offline.payload), {
          qos: 1,
          retain: true,
        }),
        this.options.clock,
        STOP_TIMEOUT_MS,
      ).catch(() => undefined);
    }
    // A normal DISCONNECT once the messages in flight are acknowledged (and so deleted).
    await withTimeout(client.endAsync(), this.options.clock, STOP_TIMEOUT_MS).catch(() =>
      client.end(true),
    );
    this.online = false;
    this.client = undefined;
    this.inflight.clear();
    this.generation++;
    client.removeAllListeners();
    client.on('error', () => undefined);
  }
}

function withTimeout<T>(promise: Promise<T>, clock: Clock, ms: number): Promise<T> {
  let timer: TimerHandle | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = clock.setTimeout(() => reject(new Error('timed out')), ms);
    }),
  ]).finally(() => timer?.cancel());
}
