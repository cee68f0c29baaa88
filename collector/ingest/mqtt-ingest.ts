import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Clock } from '../../shared/clock.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import { ACK_DEFERRED, sendPuback } from './deferred-ack.js';
import type { IngestPipeline } from './ingest-pipeline.js';

export interface MqttIngestOptions {
  url: string;
  protocolVersion: 4 | 5;
  clientId: string;
  username?: string | undefined;
  password?: string | undefined;
  caFile?: string | undefined;
  certFile?: string | undefined;
  keyFile?: string | undefined;
  rejectUnauthorized?: boolean;
  /** Shared-subscription group (used with MQTT 5); null subscribes plainly. */
  sharedGroup: string | null;
  topicFilter: string;
  keepaliveS?: number;
  /** MQTT 5: how long the broker keeps our session (and queues for us) while we are away. */
  sessionExpiryMs?: number;
  /** MQTT 5: most unacknowledged messages the broker may send us at once (our batch size). */
  receiveMaximum?: number;
  reconnectPeriodMs?: number;
  pipeline: Pick<IngestPipeline, 'submit' | 'drain'>;
  clock: Clock;
  logger?: Logger;
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

/**
 * The collector's MQTT session: persistent (the broker queues QoS 1 messages while we are away),
 * QoS 1, reconnecting by itself. Every message goes through the ingest pipeline and is
 * acknowledged only once its batch is durable.
 */
export class MqttIngest {
  private client: MqttClient | undefined;
  private generation = 0;
  private closing = false;
  private connectedSince: Date | null = null;
  private subscribed = false;
  private lastError: string | null = null;
  private readonly logger: Logger;

  constructor(private readonly options: MqttIngestOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  get subscription(): string {
    const { sharedGroup, topicFilter, protocolVersion } = this.options;
    return sharedGroup && protocolVersion === 5
      ? `$share/${sharedGroup}/${topicFilter}`
      : topicFilter;
  }

  status(): BrokerStatus {
    return {
      url: this.options.url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@'),
      connected: this.client?.connected ?? false,
      subscribed: (this.client?.connected ?? false) && this.subscribed,
      subscription: this.subscription,
      since: this.connectedSince?.toISOString() ?? null,
      lastError: this.lastError,
    };
  }

  /** Starts connecting; resolves at once (a broker outage at start is ridden out like any other). */
  async start(): Promise<void> {
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
    client.handleMessage = (packet, callback) => this.onMessage(client, packet, callback);
    client.on('connect', (connack) => {
      this.generation++;
      this.connectedSince = this.options.clock.now();
      this.lastError = null;
      this.logger.info(
        { url: this.status().url, sessionPresent: connack.sessionPresent },
        'connected to broker',
      );
      this.subscribed = connack.sessionPresent;
      // Subscribing again is harmless (it replaces the same subscription) and covers a session
      // kept from a configuration with another filter. Retained messages sent again are
      // recognised as duplicates.
      client.subscribe(
        this.subscription,
        { qos: 1, ...(this.options.protocolVersion === 5 ? { rh: 1 } : {}) },
        (error, granted) => {
          if (error || granted?.some((g) => g.qos === 128)) {
            this.lastError = `subscribe refused: ${error?.message ?? 'not authorised'}`;
            this.logger.error(
              { subscription: this.subscription, err: this.lastError },
              'subscribe failed',
            );
          } else {
            this.subscribed = true;
            this.logger.info({ subscription: this.subscription }, 'subscribed');
          }
        },
      );
    });
    client.on('close', () => {
      if (this.connectedSince && !this.closing) {
        this.logger.warn('broker connection lost; reconnecting');
      }
      this.connectedSince = null;
    });
    client.on('error', (error) => {
      this.lastError = error.message;
      this.logger.warn({ err: error.message }, 'broker error');
    });
  }

  /** Stops taking messages, lets the held ones commit and be acknowledged, then disconnects. */
  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.closing = true;
    await this.options.pipeline.drain();
    this.client = undefined;
    await client.endAsync();
  }

  /**
   * Drops the connection at once without waiting for held messages (what a crash does): the
   * broker redelivers whatever was not acknowledged.
   */
  async abort(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.closing = true;
    this.client = undefined;
    await client.endAsync(true);
  }

  private onMessage(
    client: MqttClient,
    packet: IPublishPacket,
    callback: (error?: Error) => void,
  ): void {
    // While closing, a message is neither processed nor acknowledged: the broker redelivers it.
    if (this.closing) return callback(ACK_DEFERRED);
    const generation = this.generation;
    const payload =
      typeof packet.payload === 'string'
        ? Buffer.from(packet.payload)
        : Buffer.from(packet.payload);
    const ack =
      packet.qos > 0
        ? () => {
            // An acknowledgement belongs to the connection that delivered the message; after a
            // reconnect the broker redelivers it instead, and the duplicate is recognised.
            if (generation === this.generation)
              sendPuback(client, packet, this.options.protocolVersion);
          }
        : () => undefined;
    this.options.pipeline
      .submit({ topic: packet.topic, payload, receivedAt: this.options.clock.now() }, ack)
      .then(() => callback(ACK_DEFERRED));
  }
}
