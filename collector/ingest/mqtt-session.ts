import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Verdict } from './decode.js';
import { ACK_DEFERRED, sendPuback } from './deferred-ack.js';
import { withoutPassword } from '../../shared/redact-url.js';

const noTrace = (): void => undefined;

/** What the session needs to connect: plain data, so it can cross to the ingest thread. */
export interface MqttSessionOptions {
  url: string;
  protocolVersion: 4 | 5;
  clientId: string;
  username?: string | undefined;
  password?: string | undefined;
  caFile?: string | undefined;
  certFile?: string | undefined;
  keyFile?: string | undefined;
  rejectUnauthorized?: boolean | undefined;
  /** The subscription, shared-group prefix included when there is one. */
  subscription: string;
  keepaliveS?: number | undefined;
  /** MQTT 5: how long the broker keeps our session (and queues for us) while we are away. */
  sessionExpiryMs?: number | undefined;
  /** MQTT 5: most unacknowledged messages the broker may send us at once (our batch size). */
  receiveMaximum?: number | undefined;
  reconnectPeriodMs?: number | undefined;
  /** Messages handed over and not yet acknowledged before the broker is made to wait. */
  maxPending: number;
}

export interface BrokerStatus {
  url: string;
  connected: boolean;
  /** The subscription is in place (granted now, or kept in the broker's session). */
  subscribed: boolean;
  subscription: string;
  since: string | null;
  lastError: string | null;
}

/** Messages received in one turn of the event loop, their payloads end to end in one buffer. */
export interface ReceivedBatch {
  ids: number[];
  topics: string[];
  /** Where each payload ends in `bytes`; the first starts at 0. */
  ends: number[];
  bytes: ArrayBuffer;
  /**
   * Whether the session checked the payloads (see `PayloadCheck`); if so, the verdicts other
   * than a plain "valid": those that failed, and health messages with their fields.
   */
  checked: boolean;
  verdicts: { index: number; verdict: Verdict }[];
}

/** Validation done on the session's thread; a valid payload may be replaced (normalised). */
export type PayloadCheck = (
  topic: string,
  payload: Buffer,
) => { payload: Buffer; verdict: Verdict };

export interface SessionListener {
  received(batch: ReceivedBatch): void;
  status(status: BrokerStatus): void;
  log(level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, message: string): void;
}

interface Unacknowledged {
  generation: number;
  packet: IPublishPacket;
}

/**
 * The collector's MQTT session: persistent (the broker queues QoS 1 messages while we are away),
 * QoS 1, reconnecting by itself. Messages go to the listener in batches, one per turn of the
 * event loop; each is acknowledged (PUBACK) only when `acknowledge` names it, once its batch is
 * durable. It runs on a thread of its own (mqtt-thread.ts), so the broker's traffic and the
 * store's work use both cores.
 */
export class MqttSession {
  private client: MqttClient | undefined;
  private generation = 0;
  private closing = false;
  private connectedSince: Date | null = null;
  private subscribed = false;
  private lastError: string | null = null;
  private nextId = 1;
  private readonly unacknowledged = new Map<number, Unacknowledged>();
  /** mqtt.js callbacks held while too much is unacknowledged (backpressure on the socket). */
  private readonly held: (() => void)[] = [];
  private outgoing: {
    ids: number[];
    topics: string[];
    payloads: Buffer[];
    verdicts: ReceivedBatch['verdicts'];
    size: number;
  } | null = null;

  constructor(
    private readonly options: MqttSessionOptions,
    private readonly listener: SessionListener,
    private readonly check?: PayloadCheck,
  ) {}

  status(): BrokerStatus {
    return {
      url: withoutPassword(this.options.url),
      connected: this.client?.connected ?? false,
      subscribed: (this.client?.connected ?? false) && this.subscribed,
      subscription: this.options.subscription,
      since: this.connectedSince?.toISOString() ?? null,
      lastError: this.lastError,
    };
  }

  /** Starts connecting; a broker outage at start is ridden out like any other. */
  start(): void {
    const o = this.options;
    this.closing = false;
    const clientOptions: IClientOptions = {
      clientId: o.clientId,
      protocolVersion: o.protocolVersion,
      clean: false,
      keepalive: o.keepaliveS ?? 30,
      reconnectPeriod: o.reconnectPeriodMs ?? 1000,
      connectTimeout: 10_000,
      resubscribe: false,
      ...(o.username !== undefined ? { username: o.username } : {}),
      ...(o.password !== undefined ? { password: o.password } : {}),
      ...(o.caFile ? { ca: readFileSync(o.caFile) } : {}),
      ...(o.certFile ? { cert: readFileSync(o.certFile) } : {}),
      ...(o.keyFile ? { key: readFileSync(o.keyFile) } : {}),
      rejectUnauthorized: o.rejectUnauthorized ?? true,
      // mqtt.js traces every packet through `debug`, which costs even when off; its trace is
      // still there with DEBUG set.
      ...(process.env.DEBUG ? {} : { log: noTrace }),
      ...(o.protocolVersion === 5
        ? {
            properties: {
              sessionExpiryInterval: Math.min(
                0xfffffffe,
                Math.round((o.sessionExpiryMs ?? 604_800_000) / 1000),
              ),
              receiveMaximum: o.receiveMaximum ?? 1000,
            },
          }
        : {}),
    };
    const client = mqtt.connect(o.url, clientOptions);
    this.client = client;
    client.handleMessage = (packet, callback) => this.onMessage(packet, callback);
    client.on('connect', (connack) => {
      this.generation++;
      this.connectedSince = new Date();
      this.lastError = null;
      // What the previous connection delivered and we did not acknowledge, the broker sends
      // again on this one; those acknowledgements are void.
      this.unacknowledged.clear();
      this.release();
      this.listener.log(
        'info',
        { url: this.status().url, sessionPresent: connack.sessionPresent },
        'connected to broker',
      );
      this.subscribed = connack.sessionPresent;
      this.reportStatus();
      // Subscribing again is harmless (it replaces the same subscription) and covers a session
      // kept from a configuration with another filter. Retained messages sent again are
      // recognised as duplicates.
      client.subscribe(
        o.subscription,
        { qos: 1, ...(o.protocolVersion === 5 ? { rh: 1 } : {}) },
        (error, granted) => {
          if (error || granted?.some((g) => g.qos === 128)) {
            this.lastError = `subscribe refused: ${error?.message ?? 'not authorised'}`;
            this.listener.log(
              'error',
              { subscription: o.subscription, err: this.lastError },
              'subscribe failed',
            );
          } else {
            this.subscribed = true;
            this.listener.log('info', { subscription: o.subscription }, 'subscribed');
          }
          this.reportStatus();
        },
      );
    });
    client.on('close', () => {
      if (this.connectedSince && !this.closing) {
        this.listener.log('warn', {}, 'broker connection lost; reconnecting');
      }
      this.connectedSince = null;
      this.reportStatus();
    });
    client.on('error', (error) => {
      this.lastError = error.message;
      this.listener.log('warn', { err: error.message }, 'broker error');
      this.reportStatus();
    });
  }

  /** Sends the PUBACKs of messages whose batch is durable, in one write. */
  acknowledge(ids: readonly number[]): void {
    const client = this.client;
    if (!client) return;
    const stream = client.stream as { cork?(): void; uncork?(): void } | undefined;
    stream?.cork?.();
    for (const id of ids) {
      const entry = this.unacknowledged.get(id);
      if (!entry) continue;
      this.unacknowledged.delete(id);
      // An acknowledgement belongs to the connection that delivered the message; after a
      // reconnect the broker redelivers it instead, and the duplicate is recognised.
      if (entry.generation === this.generation) {
        sendPuback(client, entry.packet, this.options.protocolVersion);
      }
    }
    stream?.uncork?.();
    this.release();
  }

  /** Stops taking messages: the broker redelivers whatever arrives from now on. */
  close(): void {
    this.closing = true;
    this.release();
  }

  /** Disconnects; `force` drops the connection at once (what a crash does). */
  async end(force = false): Promise<void> {
    const client = this.client;
    this.closing = true;
    this.client = undefined;
    this.release();
    if (client) await client.endAsync(force);
    this.reportStatus();
  }

  private onMessage(packet: IPublishPacket, callback: (error?: Error) => void): void {
    // While closing, a message is neither passed on nor acknowledged: the broker redelivers it.
    if (this.closing) return callback(ACK_DEFERRED);
    const id = this.nextId++;
    if (packet.qos > 0) this.unacknowledged.set(id, { generation: this.generation, packet });
    let payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    if (!this.outgoing) {
      this.outgoing = { ids: [], topics: [], payloads: [], verdicts: [], size: 0 };
      // Everything this turn of the event loop parsed goes over as one batch.
      setImmediate(() => this.flush());
    }
    if (this.check) {
      const checked = this.check(packet.topic, payload);
      payload = checked.payload;
      // A plain "valid" is not sent: it is what a message without a verdict here is.
      if (!checked.verdict.ok || checked.verdict.head) {
        this.outgoing.verdicts.push({ index: this.outgoing.ids.length, verdict: checked.verdict });
      }
    }
    this.outgoing.ids.push(id);
    this.outgoing.topics.push(packet.topic);
    this.outgoing.payloads.push(payload);
    this.outgoing.size += payload.length;
    // mqtt.js reads the next packet only once this callback runs: holding it is backpressure.
    if (this.unacknowledged.size < this.options.maxPending) callback(ACK_DEFERRED);
    else this.held.push(() => callback(ACK_DEFERRED));
  }

  private flush(): void {
    const out = this.outgoing;
    this.outgoing = null;
    if (!out) return;
    // Not from Buffer's shared pool: the whole ArrayBuffer is ours to hand over.
    const bytes = Buffer.allocUnsafeSlow(out.size);
    const ends: number[] = [];
    let at = 0;
    for (const payload of out.payloads) {
      payload.copy(bytes, at);
      at += payload.length;
      ends.push(at);
    }
    this.listener.received({
      ids: out.ids,
      topics: out.topics,
      ends,
      bytes: bytes.buffer as ArrayBuffer,
      checked: this.check !== undefined,
      verdicts: out.verdicts,
    });
  }

  /** Lets held messages through while there is room (or when closing, to refuse them). */
  private release(): void {
    while (
      this.held.length > 0 &&
      (this.closing || this.unacknowledged.size < this.options.maxPending)
    ) {
      this.held.shift()!();
    }
  }

  private reportStatus(): void {
    this.listener.status(this.status());
  }
}
